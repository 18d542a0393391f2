import { asServiceUnavailable } from '@bucketgrid/services';
import { AppError, isAppError, type ProblemCode, type ProblemDetailItem } from '@bucketgrid/shared';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import { type ZodObject, z } from 'zod';
import type { Logger } from '../log.ts';

/** Where a wrong input field goes in the REST problem: its code, and a parameter or a pointer. */
export type InputProblem = (path: PropertyKey[]) => {
  code: ProblemCode;
  at: Omit<ProblemDetailItem, 'detail'>;
};

/** One tool: what tools/list shows of it, and what a call runs with its parsed input. */
export interface McpTool {
  name: string;
  description: string;
  input: ZodObject;
  /** How the REST operation names input of the wrong shape (query parameters, a body). */
  inputProblem: InputProblem;
  annotations: ToolAnnotations;
  /** The answer, or an AppError thrown (a refusal). */
  run: (input: never) => Promise<Record<string, unknown>>;
}

/** A tool whose run's input type follows from its schema. */
export function defineTool<S extends ZodObject>(
  tool: Omit<McpTool, 'input' | 'run'> & {
    input: S;
    run: (input: z.output<S>) => Promise<Record<string, unknown>>;
  },
): McpTool {
  return tool as unknown as McpTool;
}

/** Every field is a query parameter of the REST operation (reads): `invalid_query`. */
export const asQueryParameters: InputProblem = (path) => ({
  code: 'invalid_query',
  at: { parameter: String(path[0] ?? 'query') },
});

/** Fields of a JSON body: `invalid_input`, pointing into the tool's arguments. */
export const asBody: InputProblem = (path) => ({
  code: 'invalid_input',
  at: { pointer: pointerOf(path) },
});

export interface ToolServerOptions {
  logger: Logger;
  /** Told of each refused call (metrics count those REST would answer 429). */
  refused: (error: AppError) => void;
}

/**
 * The tools on the SDK's low-level server. Not its McpServer: that one validates tool input
 * itself and answers a wrong shape with its own message and no code. Here a wrong shape is the
 * REST problem, as every other refusal is: a tool error whose structured content is the
 * problem document (code, detail, items).
 */
export function createToolServer(tools: McpTool[], options: ToolServerOptions): Server {
  const server = new Server(
    { name: 'bucketgrid', version: '1.0.0' },
    { capabilities: { tools: {} } },
  );
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: {
        ...z.toJSONSchema(tool.input, { target: 'draft-7', io: 'input' }),
        type: 'object' as const,
      },
      annotations: tool.annotations,
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    try {
      const tool = byName.get(request.params.name);
      if (!tool) {
        const names = tools.map((t) => t.name).join(', ');
        throw new AppError(
          'not_found',
          `There is no tool "${request.params.name}"; the tools are ${names}.`,
        );
      }
      const parsed = tool.input.safeParse(request.params.arguments ?? {});
      if (!parsed.success) throw inputError(tool, parsed.error.issues);
      return answer(await tool.run(parsed.data as never));
    } catch (thrown) {
      return refusal(thrown, options);
    }
  });
  return server;
}

function answer(result: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
}

/**
 * A store that did not answer in time is service_unavailable, as on REST; anything else that is
 * not an AppError is logged and answered as internal_error, its message kept to ourselves.
 */
function refusal(thrown: unknown, { logger, refused }: ToolServerOptions): CallToolResult {
  let error = asServiceUnavailable(thrown);
  if (!isAppError(error)) {
    logger('error', 'MCP tool failed', {
      error: error instanceof Error ? error.stack : String(error),
    });
    error = new AppError('internal_error', 'Something went wrong on our side.');
  }
  refused(error as AppError);
  const problem = (error as AppError).toProblem();
  return {
    isError: true,
    content: [{ type: 'text', text: JSON.stringify(problem) }],
    structuredContent: { ...problem },
  };
}

function inputError(tool: McpTool, issues: z.core.$ZodIssue[]): AppError {
  const placed = issues.map((issue) => {
    // An unknown field is an issue of the object around it; the field is what to name.
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
    return { ...tool.inputProblem(path as PropertyKey[]), issue };
  });
  const errors = placed.map(({ at, issue }) => ({ ...at, detail: issue.message }));
  const where = (item: ProblemDetailItem) => item.parameter ?? (item.pointer || '/');
  const summary = errors.map((item) => `${where(item)}: ${item.detail}`).join('; ');
  return new AppError(
    placed[0]?.code ?? 'invalid_input',
    `The tool ${tool.name} cannot take this input: ${summary}.`,
    { errors },
  );
}

/** JSON pointer (RFC 6901) of an input path. */
export function pointerOf(path: PropertyKey[]): string {
  return path
    .map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`)
    .join('');
}
