/**
 * A sample's build-time settings, in the role of Zephyr's Kconfig: zsock's app_config (set per
 * build with `zsock sim --config KEY=VALUE`; an unknown key or a malformed value stops the
 * program at start, as a bad Kconfig stops a build).
 */
export { app_config as sampleConfig } from 'zsock';
