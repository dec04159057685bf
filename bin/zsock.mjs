#!/usr/bin/env node
// The zsock command-line tool; the commands live in src/cli (built to build/js/src/cli).
import { main } from '../build/js/src/cli/main.js';
process.exitCode = await main(process.argv.slice(2));
