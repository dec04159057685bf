/**
 * An application's build-time settings, in the role of Zephyr's Kconfig (prj.conf and overlays):
 * the program declares its options with defaults; a build sets some of them (`zsock sim --config
 * KEY=VALUE`, `zsock build --config`, buildBundle's `config`), baked into the bundle as
 * ZSOCK_SAMPLE_CONFIG. Outside a bundle (a plain Node program) nothing is set.
 */
declare const ZSOCK_SAMPLE_CONFIG: Record<string, string> | undefined;

/** A bad build setting (a programmer's error, as a bad Kconfig is): `code` is stable. */
export class AppConfigError extends Error {
  readonly code = 'ERR_ZSOCK_APP_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'AppConfigError';
  }
}

/** A setting's value: its type is its default's. */
export type AppConfigValue = string | number | boolean;

function parse(key: string, raw: string, def: AppConfigValue): AppConfigValue {
  if (typeof def === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new AppConfigError(`CONFIG ${key}=${raw}: not a number`);
    return n;
  }
  if (typeof def === 'boolean') {
    if (/^(y|yes|1|true|on)$/i.test(raw)) return true;
    if (/^(n|no|0|false|off)$/i.test(raw)) return false;
    throw new AppConfigError(`CONFIG ${key}=${raw}: not a boolean (y/n)`);
  }
  return raw;
}

/**
 * The defaults with the build's settings applied, each parsed by the type of its default
 * (numbers; booleans as y/n/1/0/true/false/on/off; strings as given). `given` replaces the
 * baked-in settings (tests). Throws an AppConfigError (code ERR_ZSOCK_APP_CONFIG) naming the
 * key for an unknown key or a malformed value: a bad setting stops the program at start, as a
 * bad Kconfig stops a build.
 */
export function app_config<T extends Record<string, AppConfigValue>>(defaults: T, given?: Record<string, string>): T {
  const set = given ?? (typeof ZSOCK_SAMPLE_CONFIG === 'undefined' ? {} : ZSOCK_SAMPLE_CONFIG);
  const out: Record<string, AppConfigValue> = { ...defaults };
  for (const [k, v] of Object.entries(set)) {
    if (!Object.prototype.hasOwnProperty.call(defaults, k)) throw new AppConfigError(`CONFIG ${k}: unknown option (options: ${Object.keys(defaults).join(', ')})`);
    out[k] = parse(k, String(v), defaults[k]);
  }
  return out as T;
}
