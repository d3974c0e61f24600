/** The poll source as the runtime runs it: the newest modifyTimestamp as checkpoint. */
import type { Anchor } from '../../app/core/types.js';
import type { ChangeSource } from '../change-source.js';
import { PollSource } from '../poll-source.js';
import { CHECKPOINT_KEYS, type SourceContext } from './source-context.js';

export function pollChangeSource(ctx: SourceContext): ChangeSource {
  const { config, directory, state } = ctx;
  const source = new PollSource({
    directory,
    intervalMs: config.listener.pollIntervalMs,
    loadCheckpoint: () => state.checkpoint(CHECKPOINT_KEYS.poll),
    knownUuids: () => uuidsOf(state.managedAnchors()),
    sink: (events, checkpoint) =>
      ctx.sink(events, 'poll', checkpoint === undefined ? undefined : { key: CHECKPOINT_KEYS.poll, value: checkpoint }),
    onError: (error) => ctx.logger.warn('polling the directory failed; will try again', { error: String(error) }),
  });
  return { mode: 'poll', start: () => source.start(), stop: () => source.stop() };
}

function* uuidsOf(anchors: Iterable<{ readonly uuid: Anchor }>): Generator<Anchor> {
  for (const anchor of anchors) yield anchor.uuid;
}
