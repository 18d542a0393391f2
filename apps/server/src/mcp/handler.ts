import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '@bucketgrid/shared';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { ErrorResponder } from '../http/errors.ts';
import { type IngestDeps, keyProblem } from '../ingest/handlers.ts';
import { parseJson, readJsonText } from '../ingest/json-body.ts';
import type { Logger } from '../log.ts';
import { noteKeyId } from '../metrics/requests.ts';
import { createToolServer } from './tool-server.ts';
import { mcpTools } from './tools.ts';

export interface McpDeps extends IngestDeps {
  logger: Logger;
  respondToError: ErrorResponder;
}

/**
 * POST /mcp: the Model Context Protocol over streamable HTTP, stateless. Each request is
 * authenticated by its X-API-Key as a REST request is (a refused key is the same 401 problem,
 * before any MCP), its body read under the REST body limit, and answered by a server and
 * transport made for it alone, whose tools act as that key (tools.ts). Stateless: no session
 * to keep or to steal, and any process of a deployment answers any request.
 */
export function createMcpHandler(deps: McpDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const address = deps.clientAddress(req);
      const presented = req.headers['x-api-key'];
      const verified = await deps.keys.verify(
        Array.isArray(presented) ? presented.join(', ') : presented,
        address,
      );
      if (!verified.valid) throw keyProblem(verified);
      noteKeyId(req, verified.key.id);
      const body = parseJson(await readJsonText(req));
      const server = createToolServer(mcpTools(deps, { key: verified.key, address }), {
        logger: deps.logger,
        refused: (error) => deps.metrics.refused('/mcp', error.status),
      });
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      res.once('close', () => {
        transport.close();
        server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    } catch (error) {
      deps.respondToError(req, res, error);
    }
  };
}

/** GET and DELETE /mcp: a stateless server has no stream to open and no session to end. */
export function mcpMethodNotAllowed(_req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('allow', 'POST');
  throw new AppError(
    'method_not_allowed',
    'This MCP server is stateless: send every message as a POST to /mcp.',
  );
}
