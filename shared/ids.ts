/** The shape of every id in paths and bodies (zod-free, so step functions can check ids without the full zod). */
export const ENTITY_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
export const ENTITY_ID_MESSAGE = 'must be 1-128 letters, digits, "-" or "_"';
