// Writes package.json's launch schema (contributes.debuggers[chronos].configurationAttributes)
// from src/debugger/launchConfig.ts, the one definition of the launch attributes.
//   node --import tsx scripts/gen-contributions.ts          rewrite package.json
//   node --import tsx scripts/gen-contributions.ts --check  exit 1 if package.json is out of date
import { readFileSync, writeFileSync } from 'node:fs';
import { launchSchema } from '../src/debugger/launchConfig.js';

const path = new URL('../package.json', import.meta.url);
const text = readFileSync(path, 'utf8');
const pkg = JSON.parse(text);
const debuggers = pkg.contributes.debuggers as { type: string; configurationAttributes: unknown }[];
debuggers.find((d) => d.type === 'chronos')!.configurationAttributes = { launch: launchSchema() };
const next = `${JSON.stringify(pkg, null, 2)}\n`;
if (process.argv.includes('--check')) {
  if (next !== text) { console.error('package.json: the launch schema is out of date; run node --import tsx scripts/gen-contributions.ts'); process.exit(1); }
} else writeFileSync(path, next);
