console.error(
  "pnpm bench: no benchmarks exist yet; they arrive with the token source and the mock.",
);
process.exit(1);
