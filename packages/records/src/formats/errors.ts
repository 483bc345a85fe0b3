/** The one error the content-format readers throw for input they cannot accept. */
export class ContentFormatError extends Error {
  override readonly name = 'ContentFormatError';

  /**
   * @param format - The format being read (`records`, `fhir` or `mhb`).
   * @param issues - What is wrong, each naming its place in the input (e.g. `r7[3]["r7.11"]: missing`).
   */
  constructor(
    readonly format: 'records' | 'fhir' | 'mhb',
    readonly issues: readonly string[],
  ) {
    super(
      `invalid ${format} content: ${issues.slice(0, 5).join('; ')}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`,
    );
  }
}
