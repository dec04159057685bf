/** The one global fd table (Zephyr's zvfs table). Internal: the API reaches sockets through it;
 *  tests and tools get it from src/internal.ts, applications never. */
import { FdTable } from '../sockets/fdtable.js';
import type { Sock } from '../sockets/socket.js';

/** The table; reserve -> finalize -> free (see FdTable). */
export const fdtable = new FdTable<Sock>();
