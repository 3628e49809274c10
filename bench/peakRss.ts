/**
 * Preloaded (`node --require`) into a process the benchmark measures: prints the process's peak
 * resident set size, in KiB, on standard error as it exits.
 */
process.on("exit", () => {
  process.stderr.write(`peak-rss ${process.resourceUsage().maxRSS}\n`);
});
