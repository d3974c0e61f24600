import { describe, expect, it } from 'vitest';
import { matchAnswers } from '../../bench/lib/answer-matching.js';
import { duration, mark, num, percentile, table } from '../../bench/lib/report-format.js';
import type { WireJournalEntry } from '../../bench/lib/standalone-simulator.js';
import { targetChecks } from '../../bench/lib/report-targets.js';
import { latencyHistogramSvg } from '../../bench/lib/svg-plot.js';

describe('benchmark report formatting', () => {
  it.each([
    [0.4567, '0.46 ms'],
    [12.4, '12 ms'],
    [1250, '1.25 s'],
    [125_000, '2 min 5 s'],
    [900_000, '15 min'],
    [5_400_000, '1 h 30 min'],
    [undefined, '–'],
  ])('writes %s ms as %s', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });

  it('marks a met target ✓, a missed one ✗ and a missing figure –', () => {
    expect([mark(true), mark(false), mark(undefined)]).toEqual(['✓', '✗', '–']);
  });

  it('escapes the pipe inside a table cell', () => {
    expect(table(['a'], [['x|y']]).split('\n')[2]).toBe('| x\\|y |');
  });

  it('reads a number at a dotted path and nothing where the path ends in a non-number', () => {
    const result = { simulate: { ms: 880, note: 'x' } };
    expect([num(result, 'simulate.ms'), num(result, 'simulate.note'), num(result, 'import.ms')]).toEqual([
      880,
      undefined,
      undefined,
    ]);
  });

  it('takes the nearest-rank percentile', () => {
    const values = Array.from({ length: 10 }, (_, i) => 10 - i);
    expect([percentile(values, 50), percentile(values, 90), percentile(values, 100)]).toEqual([5, 9, 10]);
  });

  it('draws one histogram bar per non-empty bin, later samples in the last one', () => {
    const svg = latencyHistogramSvg([0.2, 0.3, 1.1, 99], { title: 't', binMs: 1, maxMs: 4, markers: [] });
    expect(svg.match(/fill="#4e79a7"/g)).toHaveLength(3);
  });
});

describe('why the mixed-load p99 target was missed', () => {
  const p99Why = (timeline: readonly Record<string, number>[]): string | undefined =>
    targetChecks(new Map([['load-mixed', { latencyMs: { p99: 900 }, timeline }]])).find(
      (check) => check.figure === 'Mixed load latency p99',
    )?.why;

  it('names the windows that missed and the worst of the others when only some did', () => {
    expect(
      p99Why([
        { t: 0, p99Ms: 2676, queueMax: 530 },
        { t: 5, p99Ms: 20.5, queueMax: 8 },
        { t: 10, p99Ms: 15, queueMax: 3 },
      ]),
    ).toBe(
      '1 of 3 5 s windows missed it (starting at t = 0 s; p99 up to 2.68 s, queue up to 530); every other window had p99 ≤ 21 ms',
    );
  });

  it('calls many missed windows spread over the run, with the median window', () => {
    const timeline = Array.from({ length: 20 }, (_, i) => ({ t: i * 5, p99Ms: i % 2 === 0 ? 40 : 10, queueMax: 4 }));
    expect(p99Why(timeline)).toBe(
      '10 of 20 5 s windows missed it (spread over the run, t = 0–90 s; p99 up to 40 ms, queue up to 4); the median window had p99 10 ms',
    );
  });

  it('speaks of delivery falling behind when every window missed', () => {
    expect(p99Why([{ t: 0, p99Ms: 90, queueMax: 50 }])).toMatch(/delivery fell behind/);
  });
});

function entry(seq: number, method: string, login: string | undefined, body: unknown, atMs: number): WireJournalEntry {
  return {
    seq,
    method,
    path: '/',
    login,
    body,
    status: method === 'POST' ? 201 : 200,
    receivedAtMs: atMs,
    receivedAtNs: '0',
  };
}

describe('why the idle RSS target was missed', () => {
  const idleWhy = (idle: Record<string, unknown>): string | undefined =>
    targetChecks(new Map([['serve-idle', idle]])).find((check) => check.figure === 'Idle RSS, built `serve`')?.why;

  it('names the young generation and the node binary when the run measured them', () => {
    const why = idleWhy({
      idleRssMb: { median: 123 },
      idleRssParts: { v8YoungCommittedMb: 32, nodeBinaryMb: 47 },
    });
    expect(why).toMatch(/^32 MB of it is V8's young generation.*47 MB the node binary's own pages$/);
  });

  it('says only that the budget was exceeded when a run did not break the RSS down', () => {
    expect(idleWhy({ idleRssMb: { median: 123 } })).toBe('the resident set of the running service is above the budget');
  });
});

describe('mixed-load answer matching', () => {
  const users = new Map([
    ['anna', 0],
    ['moved.3', 0],
  ]);

  it('matches an update by its new value and a rename by the old login in the path', () => {
    const answers = matchAnswers(
      [
        { seq: 1, user: 0, method: 'PUT', token: '"Edited 1"' },
        { seq: 3, user: 0, method: 'PUT', token: '"moved.3"' },
      ],
      [
        entry(1, 'PUT', 'anna', { '003use_bez': 'Edited 1' }, 10),
        entry(2, 'PUT', 'anna', { '003use_name': 'moved.3' }, 20),
      ],
      users,
    );
    expect([answers.get(1)?.atMs, answers.get(3)?.atMs]).toEqual([10, 20]);
  });

  it('settles an older change carried by a newer request as coalesced', () => {
    const answers = matchAnswers(
      [
        { seq: 1, user: 0, method: 'PUT', token: '"Edited 1"' },
        { seq: 2, user: 0, method: 'PUT', token: '"Edited 2"' },
      ],
      [entry(1, 'PUT', 'anna', { '003use_bez': 'Edited 2' }, 30)],
      users,
    );
    expect([answers.get(1), answers.get(2)]).toEqual([
      { atMs: 30, coalesced: true },
      { atMs: 30, coalesced: false },
    ]);
  });

  it('leaves a change without a request unanswered', () => {
    const answers = matchAnswers([{ seq: 1, user: 0, method: 'DELETE', token: undefined }], [], users);
    expect(answers.has(1)).toBe(false);
  });
});
