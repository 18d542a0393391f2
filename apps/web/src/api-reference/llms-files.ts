/**
 * /llms.txt and /llms-full.txt, written by the web app's build from docs/rest-api.md (the one
 * source of both): an agent learns the data API in one fetch. The full file is the reference
 * itself; the short one, in the llms.txt form (a title, a summary in a quote, lists of links),
 * names where things are. Links into the repository mean nothing on a server: they are kept as
 * their text; links to headings of the reference stay.
 */
export interface LlmsFiles {
  'llms.txt': string;
  'llms-full.txt': string;
}

export function llmsFiles(reference: string): LlmsFiles {
  const full = withoutRepositoryLinks(reference);
  const paragraphs = full.split(/\n{2,}/);
  const title = paragraphs[0]!.replace(/^#\s+/, '').trim();
  const summary = paragraphs[1]!.replace(/\s*\n\s*/g, ' ').trim();
  const sections = [...full.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^##\s+(.+)$/gm)].map(
    ([, heading]) => heading!.trim(),
  );
  const short = [
    `# ${title}`,
    `> ${summary}`,
    'Every request to a bucket carries an API key of its dashboard in the `X-API-Key` header. AI agents can also use the MCP server at `/mcp` (streamable HTTP, the same header).',
    '## Docs',
    [
      '- [The whole reference](/llms-full.txt): every route, parameter, body, answer and error code, as plain Markdown',
      '- [OpenAPI 3.1](/api/openapi.json): the same contract, machine readable',
    ].join('\n'),
    '## Sections of the whole reference',
    sections.map((heading) => `- ${heading}`).join('\n'),
  ];
  return { 'llms.txt': `${short.join('\n\n')}\n`, 'llms-full.txt': full };
}

function withoutRepositoryLinks(markdown: string): string {
  return markdown.replace(/\[([^\]]+)\]\((?!#)[^)\s]+\)/g, '$1');
}
