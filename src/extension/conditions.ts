// Binding a breakpoint to one process: its condition gains `$pid == N` (the debugger's own
// name for the pid the hart runs), replacing an earlier binding and keeping the user's own.

export function bindCondition(condition: string | undefined, pid: number): string {
  const c = (condition ?? '').trim();
  const earlier = /^\$pid == \d+(?: && \((.*)\))?$/.exec(c);
  const own = earlier ? earlier[1] ?? '' : c;
  return own ? `$pid == ${pid} && (${own})` : `$pid == ${pid}`;
}
