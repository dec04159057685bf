/**
 * A sample's build-time settings, in the role of Zephyr's Kconfig (prj.conf and overlays): each
 * sample declares its options with defaults; a build sets some of them (`zsock sim --config
 * KEY=VALUE`, buildBundle's `config`), baked into the bundle as ZSOCK_SAMPLE_CONFIG. A value is
 * parsed by the type of its default (numbers, booleans as y/n/1/0/true/false, strings); an
 * unknown key or a malformed value stops the program at start, as a bad Kconfig stops a build.
 */
declare const ZSOCK_SAMPLE_CONFIG: Record<string, string> | undefined;

type Value = string | number | boolean;

function parse(key: string, raw: string, def: Value): Value {
  if (typeof def === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new Error(`CONFIG ${key}=${raw}: not a number`);
    return n;
  }
  if (typeof def === 'boolean') {
    if (/^(y|yes|1|true|on)$/i.test(raw)) return true;
    if (/^(n|no|0|false|off)$/i.test(raw)) return false;
    throw new Error(`CONFIG ${key}=${raw}: not a boolean (y/n)`);
  }
  return raw;
}

/** The defaults with the build's settings applied; `given` replaces the baked-in ones (tests). */
export function sampleConfig<T extends Record<string, Value>>(defaults: T, given?: Record<string, string>): T {
  const set = given ?? (typeof ZSOCK_SAMPLE_CONFIG === 'undefined' ? {} : ZSOCK_SAMPLE_CONFIG);
  const out: Record<string, Value> = { ...defaults };
  for (const [k, v] of Object.entries(set)) {
    if (!(k in defaults)) throw new Error(`CONFIG ${k}: unknown option (options: ${Object.keys(defaults).join(', ')})`);
    out[k] = parse(k, String(v), defaults[k]);
  }
  return out as T;
}
