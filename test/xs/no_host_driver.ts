/**
 * src/net/host.ts for suites bundled for the XS host: there is no Node, so no host driver; a
 * suite that puts "the host driver" back after a board's run gets the XS board's driver.
 */
import { xsBoardDriver } from './boards_env.js';

export const hostDriver = xsBoardDriver();
