import cliProgress from 'cli-progress';

/**
 * A progress bar on an interactive terminal, nothing otherwise (pipes and CI logs get the final
 * summary only). `format` may use cli-progress tokens: {bar} {percentage} {value} {total} {eta_formatted}.
 */
export function startProgressBar(
  stream: NodeJS.WritableStream,
  isTTY: boolean,
  total: number,
  format = '{bar} {percentage}% · {value}/{total} · {eta_formatted} left',
): { update(value: number): void; stop(): void } {
  if (!isTTY || total <= 0) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar({
    stream,
    format,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(total, 0);
  return { update: (value) => bar.update(value), stop: () => bar.stop() };
}
