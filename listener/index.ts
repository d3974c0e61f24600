/**
 * The listener's public entry: what the rest of the connector may use. The sources, their
 * protocols and the wiring stay behind it.
 */
export { ListenerRuntime, type ListenerRuntimeDeps } from './runtime/listener-runtime.js';
export { CHECKPOINT_KEYS } from './runtime/source-context.js';
export { notifierHost } from './runtime/translog-wiring.js';
export { chooseSource, type SourceProbes } from './choose-source.js';
export type {
  ChangeSource,
  Checkpoint,
  ConfiguredMode,
  EventSink,
  ListenerMode,
  ModeChoice,
  SourceMode,
  StatusSink,
} from './change-source.js';
export { LISTENER_FILE_NAME, parseListenerFile, type ListenerFileEvent } from './appcenter-files.js';
