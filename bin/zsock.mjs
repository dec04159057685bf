#!/usr/bin/env node
// The zsock command-line tool; the commands live in src/cli (built to build/js/src/cli).
import { main } from '../build/js/src/cli/main.js';
// Exit as soon as the command is done: a stopped simulated board may leave promise chains of its
// firmware behind, which must not keep the command alive.
process.exit(await main(process.argv.slice(2)));
