// Regenerates the generated documentation: `pnpm docs:generate`.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { renderOnboardingGuide } from "./onboarding.ts";

const target = path.resolve(import.meta.dirname, "../../docs/onboarding.md");
await writeFile(target, renderOnboardingGuide());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
