/**
 * Runs the subs of docs/qlik/sense-task-gateway.qvs the way Qlik Sense and its REST
 * connector would, closely enough to prove the file matches the API: dollar-sign
 * expansion, SET/LET/CALL, LIB CONNECT, the connector's SQL SELECT ... WITH CONNECTION
 * (sent over real HTTP as the connector sends it: GET or POST, headers of the clause,
 * body with doubled quotes undone, Expect: 100-continue), the connector's JSON-to-table
 * mapping for the selected fields, RESIDENT loads, Peek and NoOfRows. A selected field
 * missing from the service's answer, a non-2xx answer, or a statement outside this
 * subset is an error.
 */
import { request } from 'node:http';
import { evaluate, type QlikValue } from './expression.js';

type Row = Record<string, QlikValue>;
interface Table {
  fields: Set<string>;
  rows: Row[];
}

export interface SentRequest {
  sub: string;
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  status: number;
  answer: string;
}

export class ReloadFailed extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

interface Sub {
  name: string;
  params: string[];
  statements: string[];
}

/** Removes // and /* *\/ comments outside quotes; ends SUB headers and END SUB with ";". */
function statementsOf(source: string): string[] {
  let code = '';
  let quote: string | null = null;
  for (let at = 0; at < source.length; at += 1) {
    const char = source[at]!;
    if (quote) {
      code += char;
      if (char === quote) quote = null;
    } else if (char === '/' && source[at + 1] === '/') {
      while (at < source.length && source[at] !== '\n') at += 1;
      code += '\n';
    } else if (char === '/' && source[at + 1] === '*') {
      at = source.indexOf('*/', at + 2) + 1;
      if (at === 0) throw new Error('unterminated /* comment');
    } else {
      if (char === "'" || char === '"') quote = char;
      else if (char === '[') quote = ']';
      code += char;
    }
  }
  code = code.replace(/^(\s*SUB\s+\w+(\s*\([^)]*\))?)\s*$/gim, '$1;').replace(/^(\s*END SUB)\s*$/gim, '$1;');
  const statements: string[] = [];
  let current = '';
  quote = null;
  for (const char of code) {
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '[') quote = ']';
    else if (char === ';') {
      if (current.trim()) statements.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  if (current.trim()) throw new Error(`statement without ";" at the end of the file: ${current.trim()}`);
  return statements;
}

/** Splits on commas outside quotes and parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '(') depth += 1;
    else if (char === ')') depth -= 1;
    else if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** Reads one "..." string of the connector's syntax ("" is a quote) starting at `at`. */
function readQuoted(text: string, at: number): { value: string; end: number } {
  if (text[at] !== '"') throw new Error(`expected a "quoted" value at: ${text.slice(at, at + 40)}`);
  let value = '';
  let index = at + 1;
  for (;;) {
    if (index >= text.length) throw new Error(`unterminated "quoted" value: ${text.slice(at, at + 40)}`);
    if (text[index] === '"') {
      if (text[index + 1] === '"') {
        value += '"';
        index += 2;
        continue;
      }
      return { value, end: index + 1 };
    }
    value += text[index];
    index += 1;
  }
}

/** URL "..", HTTPHEADER "name" "value", BODY "..", QUERY "name" "value", comma-separated. */
function parseConnectionClause(text: string) {
  const clause = { url: '', headers: [] as [string, string][], body: undefined as string | undefined };
  let at = 0;
  const skip = () => {
    while (at < text.length && /[\s,]/.test(text[at]!)) at += 1;
  };
  const next = () => {
    skip();
    const { value, end } = readQuoted(text, at);
    at = end;
    return value;
  };
  for (skip(); at < text.length; skip()) {
    const keyword = /^[A-Z]+/i.exec(text.slice(at))?.[0]?.toUpperCase();
    if (!keyword) throw new Error(`unexpected text in WITH CONNECTION: ${text.slice(at)}`);
    at += keyword.length;
    if (keyword === 'URL') clause.url = next();
    else if (keyword === 'HTTPHEADER') clause.headers.push([next(), next()]);
    else if (keyword === 'BODY') clause.body = next();
    else throw new Error(`WITH CONNECTION option ${keyword} is not supported by the test interpreter`);
  }
  return clause;
}

const quotedNames = (text: string) => [...text.matchAll(/"([^"]+)"/g)].map((match) => match[1]!);

/** The connector's table for a JSON answer: root rows, then one row per nested element. */
function tableOfJson(select: string, answer: unknown, where: string): Table {
  const nested = [...select.matchAll(/\(\s*SELECT\s+([\s\S]*?)\s+FROM\s+"(\w+)"\s+FK\s+"(\w+)"\s*\)/gi)];
  const rootFields = quotedNames(select.replace(/\(\s*SELECT[\s\S]*?\)/gi, '').replace(/\s+FROM\s+JSON[\s\S]*$/i, ''));
  const table: Table = { fields: new Set(), rows: [] };
  const scalar = (value: unknown): QlikValue =>
    value === null || value === undefined ? null : typeof value === 'number' ? value : String(value);
  const need = (object: unknown, field: string, at: string) => {
    if (typeof object !== 'object' || object === null || !(field in object)) {
      throw new Error(`${where}: field "${field}" is not in the answer at ${at}: ${JSON.stringify(answer)}`);
    }
    return (object as Record<string, unknown>)[field];
  };

  // The connector declares every selected field, also when no row carries it.
  for (const field of rootFields) table.fields.add(field);
  const roots = Array.isArray(answer) ? answer : [answer];
  for (const root of roots) {
    const row: Row = {};
    for (const field of rootFields) {
      if (field === '__KEY_root') row[field] = 1;
      else if (field === '@Value') {
        if (typeof root === 'object' && root !== null) throw new Error(`${where}: "@Value" needs an array of scalars, got ${JSON.stringify(answer)}`);
        row[field] = scalar(root);
      } else row[field] = scalar(need(root, field, 'the root'));
    }
    table.rows.push(row);
  }
  for (const [, fieldList, from, fk] of nested) {
    const elements = need(answer, from!, 'the root');
    for (const field of quotedNames(fieldList!)) table.fields.add(field);
    for (const element of Array.isArray(elements) ? elements : [elements]) {
      const row: Row = {};
      for (const field of quotedNames(fieldList!)) row[field] = field === fk ? 1 : scalar(need(element, field, `"${from}"`));
      table.rows.push(row);
    }
  }
  return table;
}

export interface ConnectorOptions {
  /** Content-Type the POST connection is set up with; none when undefined. */
  postContentType?: string;
}

function send(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body: string | undefined) {
  return new Promise<{ status: number; answer: string }>((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let answer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (answer += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, answer }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer to ${method} ${url} within 30 s`)));
    req.on('error', reject);
    if (method === 'POST') req.on('continue', () => req.end(body));
    else req.end();
  });
}

export class QlikScript {
  private readonly topLevel: string[] = [];
  readonly subs = new Map<string, Sub>();
  /** Every SUB any session of this script has run. */
  readonly subsCalled = new Set<string>();

  constructor(source: string) {
    let open: Sub | null = null;
    for (const statement of statementsOf(source)) {
      const header = /^SUB\s+(\w+)(?:\s*\(([^)]*)\))?$/i.exec(statement);
      if (header) {
        if (open) throw new Error(`SUB ${header[1]} inside SUB ${open.name}`);
        const params = (header[2] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
        open = { name: header[1]!, params, statements: [] };
      } else if (/^END SUB$/i.test(statement)) {
        if (!open) throw new Error('END SUB without SUB');
        this.subs.set(open.name, open);
        open = null;
      } else if (open) open.statements.push(statement);
      else this.topLevel.push(statement);
    }
    if (open) throw new Error(`SUB ${open.name} has no END SUB`);
  }

  /** A reload: the settings variables given, then the file's top-level statements. */
  async session(variables: Record<string, string>, connector: ConnectorOptions = {}): Promise<QlikSession> {
    const session = new QlikSession(this, variables, connector);
    for (const statement of this.topLevel) await session.execute(statement, '(top level)', new Map());
    return session;
  }
}

export class QlikSession {
  readonly variables = new Map<string, QlikValue>();
  readonly tables = new Map<string, Table>();
  readonly requests: SentRequest[] = [];
  private connection = '';

  constructor(
    private readonly script: QlikScript,
    variables: Record<string, string>,
    private readonly connector: ConnectorOptions,
  ) {
    for (const [name, value] of Object.entries(variables)) this.variables.set(name, value);
  }

  text(name: string): string | undefined {
    const value = this.variables.get(name);
    return value === null || value === undefined ? undefined : String(value);
  }

  /** CALL name(args) with literal arguments. */
  async call(name: string, args: string[] = []): Promise<void> {
    const sub = this.script.subs.get(name);
    if (!sub) throw new Error(`the .qvs has no SUB ${name}`);
    if (args.length !== sub.params.length) throw new Error(`SUB ${name} takes ${sub.params.length} arguments, got ${args.length}`);
    this.script.subsCalled.add(name);
    const locals = new Map<string, QlikValue>(sub.params.map((param, i) => [param, args[i]!]));
    for (const statement of sub.statements) await this.execute(statement, name, locals);
  }

  private lookup(locals: Map<string, QlikValue>) {
    return (name: string): QlikValue => (locals.has(name) ? locals.get(name)! : (this.variables.get(name) ?? null));
  }

  private expand(statement: string, locals: Map<string, QlikValue>): string {
    let out = '';
    let at = 0;
    for (;;) {
      const start = statement.indexOf('$(', at);
      if (start < 0) return out + statement.slice(at);
      let depth = 0;
      let end = start + 1;
      for (; end < statement.length; end += 1) {
        if (statement[end] === '(') depth += 1;
        else if (statement[end] === ')' && --depth === 0) break;
      }
      const inner = statement.slice(start + 2, end);
      const withArgs = /^(\w+)\(([\s\S]*)\)$/.exec(inner);
      const name = withArgs ? withArgs[1]! : inner.trim();
      let value = this.lookup(locals)(name);
      if (withArgs) {
        const args = splitTopLevel(withArgs[2]!);
        value = String(value ?? '').replace(/\$(\d)/g, (_m, n: string) => args[Number(n) - 1] ?? '');
      }
      out += statement.slice(at, start) + (value === null ? '' : String(value));
      at = end + 1;
    }
  }

  private evalContext(locals: Map<string, QlikValue>) {
    return {
      variable: this.lookup(locals),
      peek: (field: string, row: number, tableName: string) => {
        const table = this.tables.get(tableName);
        if (!table) throw new Error(`Peek: no table ${tableName}`);
        if (!table.fields.has(field)) throw new Error(`Peek: table ${tableName} has no field ${field}`);
        const picked = row < 0 ? table.rows[table.rows.length + row] : table.rows[row];
        return picked?.[field] ?? null;
      },
      noOfRows: (tableName: string) => this.tables.get(tableName)?.rows.length ?? 0,
    };
  }

  async execute(raw: string, where: string, locals: Map<string, QlikValue>): Promise<void> {
    const statement = this.expand(raw, locals).trim();
    const assign = (name: string, value: QlikValue) => (locals.has(name) ? locals.set(name, value) : this.variables.set(name, value));
    let match: RegExpExecArray | null;
    if ((match = /^SET\s+(\w+)\s*=\s*([\s\S]*)$/i.exec(statement))) assign(match[1]!, match[2]!.trim());
    else if ((match = /^LET\s+(\w+)\s*=\s*([\s\S]*)$/i.exec(statement))) assign(match[1]!, evaluate(match[2]!, this.evalContext(locals)));
    else if ((match = /^CALL\s+(\w+)\s*(?:\(([\s\S]*)\))?$/i.exec(statement))) {
      const args = splitTopLevel(match[2] ?? '').map((arg) => evaluate(arg, this.evalContext(locals)));
      await this.call(match[1]!, args.map((arg) => (arg === null ? '' : String(arg))));
    } else if ((match = /^LIB\s+CONNECT\s+TO\s+'([^']*)'$/i.exec(statement))) this.connection = match[1]!;
    else if ((match = /^(\w+):\s*SQL\s+([\s\S]*)$/i.exec(statement))) await this.select(match[1]!, match[2]!, where);
    else if ((match = /^(\w+):\s*LOAD\s+([\s\S]+?)\s+RESIDENT\s+(\w+)(?:\s+WHERE\s+NOT\s+IsNull\(\[(\w+)\]\))?$/i.exec(statement))) {
      this.load(match[1]!, match[2]!, match[3]!, match[4], where);
    } else if ((match = /^DROP\s+TABLES?\s+(\w+)$/i.exec(statement))) {
      if (!this.tables.delete(match[1]!)) throw new Error(`${where}: DROP TABLE ${match[1]}: no such table`);
    } else throw new Error(`${where}: statement not supported by the test interpreter: ${statement}`);
  }

  private load(label: string, fieldList: string, source: string, notNull: string | undefined, where: string) {
    const from = this.tables.get(source);
    if (!from) throw new Error(`${where}: LOAD RESIDENT ${source}: no such table`);
    const mapping = splitTopLevel(fieldList).map((field) => {
      const parts = /^\[([^\]]+)\](?:\s+AS\s+\[([^\]]+)\])?$/i.exec(field);
      if (!parts) throw new Error(`${where}: LOAD field not supported: ${field}`);
      if (!from.fields.has(parts[1]!)) throw new Error(`${where}: field ${parts[1]} not found in ${source}`);
      return [parts[1]!, parts[2] ?? parts[1]!] as const;
    });
    const rows = from.rows
      .filter((row) => notNull === undefined || (row[notNull] !== undefined && row[notNull] !== null))
      .map((row) => Object.fromEntries(mapping.map(([src, dst]) => [dst, row[src] ?? null])));
    this.tables.set(label, { fields: new Set(mapping.map(([, dst]) => dst)), rows });
  }

  private async select(label: string, sql: string, where: string) {
    const withAt = sql.search(/\bWITH\s+CONNECTION\s*\(/i);
    if (withAt < 0) throw new Error(`${where}: SQL without WITH CONNECTION`);
    const select = sql.slice(0, withAt);
    const clauseText = sql.slice(sql.indexOf('(', withAt) + 1, sql.lastIndexOf(')'));
    const clause = parseConnectionClause(clauseText);
    const method = this.connection === this.text('vSTG_GetConnection') ? 'GET' : this.connection === this.text('vSTG_PostConnection') ? 'POST' : null;
    if (!method) throw new Error(`${where}: LIB CONNECT TO '${this.connection}' is neither the GET nor the POST connection`);
    if (method === 'GET' && clause.body !== undefined) throw new Error(`${where}: BODY on the GET connection`);

    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (method === 'POST') {
      body = clause.body ?? '';
      if (this.connector.postContentType) headers['Content-Type'] = this.connector.postContentType;
      headers['Content-Length'] = String(Buffer.byteLength(body));
      headers.Expect = '100-continue';
    }
    for (const [name, value] of clause.headers) headers[name] = value;
    const { status, answer } = await send(method, clause.url, headers, body);
    this.requests.push({ sub: where, method, url: clause.url, headers, body, status, answer });
    if (status < 200 || status > 299) throw new ReloadFailed(`${where}: HTTP ${status} from ${method} ${clause.url}: ${answer}`, status);

    if (/\bFROM\s+CSV\b/i.test(select)) {
      this.tables.set(label, { fields: new Set(quotedNames(select.replace(/\s+FROM\s+CSV[\s\S]*$/i, ''))), rows: [] });
    } else if (/\bFROM\s+JSON\b/i.test(select)) {
      this.tables.set(label, tableOfJson(select.replace(/^SELECT\s+/i, ''), JSON.parse(answer) as unknown, where));
    } else throw new Error(`${where}: SQL SELECT must read FROM JSON or FROM CSV`);
  }
}
