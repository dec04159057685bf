#!/usr/bin/env node
// The zsock command-line tool; the commands live in src/cli (built to build/js/src/cli).
import { main } from '../build/js/src/cli/main.js';
// Exit as soon as the command is done: after a simulator run, Node's own exit sometimes spun in
// native code (a --prof of it: 82% of ticks in clock_gettime, no JavaScript), not root-caused.
process.exit(await main(process.argv.slice(2)));
