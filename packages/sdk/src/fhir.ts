/**
 * @healthbank/sdk/fhir — for apps that asked for the `fhir` format and want typed records back:
 * `fromFhirBundle` reads the Bundle of an opened file (`data.bundle`) into records. A separate
 * entry point, so that apps using another format do not ship this reader.
 *
 * @example
 * ```ts
 * import { fromFhirBundle } from '@healthbank/sdk/fhir';
 * const data = await client.fetchData(ticket, { format: 'fhir' });
 * if (data.format === 'fhir') fromFhirBundle(data.bundle).lab;
 * ```
 */
export {
  type FhirRecord,
  type FhirRecordOf,
  type FhirRecordsByCategory,
  fromFhirBundle,
} from '@healthbank/records';
