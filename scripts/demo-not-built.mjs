console.error(
  "pnpm demo: the end-to-end demo is not built yet. It will start the embedded mock Azure and play a\n" +
    "platform with three customers; until then, `pnpm test` runs everything that exists.",
);
process.exit(1);
