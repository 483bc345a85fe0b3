/** Turns an opened export file into the typed data of its format. */
import { ContentFormatError, type Fhir, type MhbFile, parseRecordsDocument } from '@healthbank/records';
import type { ExportFile } from '../envelope/open.js';
import { SdkError } from '../errors.js';
import type { ExportData, Ticket } from './types.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The typed data of a verified file. `records` are validated record by record (the platform signed
 * them, so a failure means a version mismatch, not an attack); `fhir` and `mhb` are checked for
 * their outer shape.
 */
export function typedData(file: ExportFile, ticket: Ticket): ExportData {
  const { claims, content } = file;
  switch (claims.format) {
    case 'records': {
      try {
        return { format: 'records', claims, ticket, records: parseRecordsDocument(content).records };
      } catch (error) {
        if (error instanceof ContentFormatError) throw new SdkError('format_invalid', error.message, { cause: error });
        throw error;
      }
    }
    case 'fhir':
      if (!isObject(content) || content.resourceType !== 'Bundle') {
        throw new SdkError('format_invalid', 'the fhir content is not a Bundle');
      }
      return { format: 'fhir', claims, ticket, bundle: content as unknown as Fhir.Bundle };
    case 'mhb':
      if (!isObject(content) || !isObject(content.myhealthbank) || !isObject(content.myhealthbank.bdata)) {
        throw new SdkError('format_invalid', 'the mhb content has no myhealthbank.bdata');
      }
      return { format: 'mhb', claims, ticket, json: content as unknown as MhbFile };
  }
}
