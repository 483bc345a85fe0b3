/**
 * @healthbank/sdk/mhb — for apps that asked for the `mhb` format (NHI's own file layout) and want
 * typed records back: `fromMhb` reads an opened file's `data.json`. A separate entry point, so that
 * apps using another format do not ship this reader.
 *
 * @example
 * ```ts
 * import { fromMhb } from '@healthbank/sdk/mhb';
 * const data = await client.fetchData(ticket, { format: 'mhb' });
 * if (data.format === 'mhb') fromMhb(data.json).outpatient;
 * ```
 */
export { fromMhb, type MhbFile, readMhbHeader } from '@healthbank/records';
