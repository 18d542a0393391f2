import Papa from 'papaparse';

/** The rows a preview shows below the header. */
export const PREVIEW_ROWS = 10;

export interface CsvPreview {
  header: string[];
  rows: string[][];
}

/** The header and first rows of a file: papaparse reads only the file's first chunk for it. */
export function previewCsv(file: File): Promise<CsvPreview> {
  return new Promise((resolve, reject) => {
    Papa.parse<string[]>(file, {
      preview: PREVIEW_ROWS + 1,
      skipEmptyLines: true,
      complete: (results) => {
        const [header = [], ...rows] = results.data;
        if (header.length < 2) {
          reject(
            new Error('The file needs a header row and at least two columns (a key and a value).'),
          );
          return;
        }
        resolve({ header, rows });
      },
      error: (error) => reject(error),
    });
  });
}
