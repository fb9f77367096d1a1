#!/usr/bin/env node
// Checks every .cypher file against the Neo4j 5 grammar (Cypher 5), so that what runs on
// the embedded ArcadeDB also parses on Neo4j 5, plus graphsvc's own file rules.
//
// Usage: node lint.mjs [--schema FILE] PATH...   (PATH: .cypher files or directories, recursed)
// Prints `path:line: error|warning: message`. Exit 0 clean, 1 findings, 2 usage/IO error.
//
// What fails the run:
//   - every severity-1 diagnostic (syntax errors, unknown functions/procedures, semantic
//     errors such as undefined variables, `exists(n.prop)`, pre-5 DDL);
//   - the package's severity-2 "X is not present in the database" warnings, which it only
//     emits from the --schema lists (unknown label, relationship type or property key): they
//     are printed as warnings, as the package reports them, but tagged and counted as failures;
//   - our rules: a leading `//` comment line, exactly one statement, no `CYPHER 25` prefix.
// Other warnings (deprecations such as id()) are printed and do not fail the run.
// `$parameter` "not defined" errors are dropped: parameters are supplied at run time.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  highlightSyntax,
  isNotParamError,
  lintCypherQuery,
  parseStatementsStrs,
  testData,
} from '@neo4j-cypher/language-support';

const USAGE = 'usage: node lint.mjs [--schema FILE] PATH...';
const SCHEMA_KEYS = ['labels', 'relationshipTypes', 'propertyKeys'];
// Emitted only by the label/relationship-type/property checks that the schema lists enable
// (unknown functions and procedures use the same wording but are already severity 1).
const NOT_IN_SCHEMA = /is not present in the database\. Make sure you didn't misspell it/;

function die(message) {
  console.error(`cypher-lint: ${message}`);
  process.exit(2);
}

function parseArgs(argv) {
  const paths = [];
  let schemaFile;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--schema') {
      schemaFile = argv[++i] ?? die(`--schema needs a file\n${USAGE}`);
    } else if (arg.startsWith('--schema=')) {
      schemaFile = arg.slice('--schema='.length);
    } else if (arg.startsWith('-')) {
      die(`unknown option ${arg}\n${USAGE}`);
    } else {
      paths.push(arg);
    }
  }
  if (paths.length === 0) die(USAGE);
  return { paths, schemaFile };
}

// Functions and procedures of Cypher 5 as the package's mock schema lists them, without
// APOC/GDS: neither plugin ships with our engines, so calling one must be an error.
function coreOnly(registry) {
  return Object.fromEntries(
    Object.entries(registry).map(([version, entries]) => [
      version,
      Object.fromEntries(Object.entries(entries).filter(([name]) => !/^(apoc|gds)\./.test(name))),
    ]),
  );
}

function loadSchema(schemaFile) {
  const schema = {
    functions: coreOnly(testData.mockSchema.functions),
    procedures: coreOnly(testData.mockSchema.procedures),
    defaultLanguage: 'CYPHER 5',
  };
  if (!schemaFile) return schema;
  let data;
  try {
    data = JSON.parse(readFileSync(schemaFile, 'utf8'));
  } catch (err) {
    die(`cannot read schema ${schemaFile}: ${err.message}`);
  }
  // All three are required: the package silently skips the label check unless it has
  // both labels and relationship types, and the property check without property keys.
  for (const key of SCHEMA_KEYS) {
    const value = data?.[key];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      die(`schema ${schemaFile}: "${key}" must be a list of strings`);
    }
    schema[key] = value;
  }
  return schema;
}

function collectFiles(paths) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.cypher')) files.push(path);
    }
  };
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      die(`no such file or directory: ${path}`);
    }
    if (stat.isDirectory()) {
      const before = files.length;
      walk(path);
      if (files.length === before) die(`no .cypher files under ${path}`);
    } else {
      files.push(path);
    }
  }
  return files;
}

const lineAt = (text, offset) => text.slice(0, offset).split('\n').length;

// Our own rules; each finding is { line, message } and is an error.
function houseRules(text) {
  const findings = [];
  if (!/^[ \t]*\/\/[ \t]*\S/.test(text)) {
    findings.push({
      line: 1,
      message: 'the file must start with a `//` comment line saying what it returns and which $parameters it takes',
    });
  }
  // The package's own statement splitter, so a ';' inside a string or comment is not a split.
  const chunks = parseStatementsStrs(text);
  const extra = chunks.findIndex((chunk, i) => i > 0 && chunk.trim() !== '');
  if (extra > 0) {
    const start = chunks.slice(0, extra).join('').length;
    const offset = chunks.join('') === text ? start + (chunks[extra].length - chunks[extra].trimStart().length) : 0;
    findings.push({
      line: lineAt(text, offset),
      message: "one statement per file: text after ';' (split it into its own .cypher file)",
    });
  }
  // Neo4j 5 runs Cypher 5 only; a `CYPHER 25` prefix would lint (and maybe run elsewhere) but fail there.
  const tokens = highlightSyntax(text).filter((t) => t.tokenType !== 'comment');
  if (tokens[0]?.token.toUpperCase() === 'CYPHER' && tokens[1]?.tokenType === 'numberLiteral' && tokens[1].token !== '5') {
    findings.push({ line: tokens[1].position.line + 1, message: `CYPHER ${tokens[1].token} is not available on Neo4j 5` });
  }
  return findings;
}

const { paths, schemaFile } = parseArgs(process.argv.slice(2));
const schema = loadSchema(schemaFile);
const files = collectFiles(paths);
const counts = { error: 0, schema: 0, warning: 0 };

for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    die(`cannot read ${file}: ${err.message}`);
  }
  const findings = houseRules(text).map(({ line, message }) => ({ line, kind: 'error', message }));
  const { diagnostics } = lintCypherQuery(text, schema, { consoleCommandsEnabled: false });
  for (const d of diagnostics.filter(isNotParamError)) {
    // Neo4j's semantic messages can span lines (with a caret under the query); keep one line each.
    const message = d.message.replace(/\s*\n\s*/g, ' ').trim();
    const kind = d.severity === 1 ? 'error' : NOT_IN_SCHEMA.test(message) ? 'schema' : 'warning';
    findings.push({ line: d.range.start.line + 1, kind, message });
  }
  findings.sort((a, b) => a.line - b.line);
  for (const { line, kind, message } of findings) {
    counts[kind]++;
    const label = kind === 'error' ? 'error' : 'warning';
    const tag = kind === 'schema' ? ` [not in ${schemaFile}: fails the run]` : '';
    console.log(`${file}:${line}: ${label}: ${message}${tag}`);
  }
}

const failed = counts.error + counts.schema;
console.error(
  `cypher-lint: ${files.length} file(s): ${counts.error} error(s), ` +
    `${counts.schema} schema warning(s), ${counts.warning} other warning(s)` +
    (failed ? ' - FAILED' : ' - ok'),
);
process.exit(failed ? 1 : 0);
