/** Small value helpers shared by the resource builders. */
import { CODE_SYSTEMS } from '../../codes/systems.js';
import { utf8 } from '../utf8.js';
import type { Quantity } from './types.js';

/** A UCUM quantity; `unit` is a UCUM code (the record's units are UCUM codes). */
export const ucum = (value: number, unit: string): Quantity => ({
  value,
  unit,
  system: CODE_SYSTEMS.ucum,
  code: unit,
});

/** FHIR forbids empty strings; optional text that may be empty goes through this. */
export const nonEmpty = (s: string | undefined): s is string => s !== undefined && s.trim().length > 0;

/**
 * An ISO instant as FHIR's `instant` wants it (seconds required). Records may omit seconds
 * (`2024-05-01T09:30+08:00`); this inserts them.
 */
export function toInstant(value: string): string {
  const t = value.indexOf('T');
  const zone = value.search(/(Z|[+-]\d{2}:\d{2})$/);
  if (t < 0 || zone < 0) return value;
  const time = value.slice(t + 1, zone);
  return time.length === 5 ? `${value.slice(0, zone)}:00${value.slice(zone)}` : value;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (RFC 4648 §4, with padding) of the UTF-8 encoding of `text`. */
export function utf8Base64(text: string): string {
  const bytes = utf8(text);
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += B64.charAt(n >> 18) + B64.charAt((n >> 12) & 63) + B64.charAt((n >> 6) & 63) + B64.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += `${B64.charAt(n >> 18)}${B64.charAt((n >> 12) & 63)}==`;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += `${B64.charAt(n >> 18)}${B64.charAt((n >> 12) & 63)}${B64.charAt((n >> 6) & 63)}=`;
  }
  return out;
}
