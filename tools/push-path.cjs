#!/usr/bin/env node
// Checks and counts the walk of one push through the code that docs/architecture.md#follow-one-push
// gives: every step names a file, the function there that receives the push (or a value made from
// it), and the step that calls it. A step is true when its file exists, defines the function, and
// its caller's file names that function; so the walk cannot drift from the code unnoticed. It then
// counts what a newcomer opens: files and projects to the start, and on to the commit status, and
// the times the walk enters, from another project, a project it had already left.
//
//   node tools/push-path.cjs [--doc docs/architecture.md] [--root .] [--json]
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const BEGIN = '<!-- push-path:begin -->';
const END = '<!-- push-path:end -->';

/** The walk's rows from the document's table between the markers. */
function readPushPath(docText) {
  const from = docText.indexOf(BEGIN);
  const to = docText.indexOf(END);
  if (from === -1 || to === -1 || to < from) throw new Error(`no table between ${BEGIN} and ${END}`);
  const code = (cell) => cell.replace(/`/g, '').trim();
  return docText
    .slice(from + BEGIN.length, to)
    .split('\n')
    .filter((line) => /^\|\s*\d+\s*\|/.test(line))
    .map((line) => {
      const [step, file, fn, caller, reaches] = line.split('|').slice(1, -1).map(code);
      return { step: Number(step), file, fn, caller, reaches: reaches ?? '' };
    });
}

/** apps/eval, libs/config-schema: the Nx project a file belongs to. */
const projectOf = (file) => file.split('/').slice(0, 2).join('/');

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `text` defines `name`: a function, class, constant, or a method of a class. */
function defines(text, name) {
  const n = escape(name);
  return new RegExp(
    `(?:function\\*?|class|const|let|var)\\s+${n}\\b|^\\s*(?:(?:public|private|static|async|override)\\s+)*${n}\\s*[(<]`,
    'm',
  ).test(text);
}

/** Checks each step against the code under `root`; returns the problems and the counts. */
function checkPushPath(steps, root) {
  const problems = [];
  const read = new Map();
  const text = (file) => {
    if (!read.has(file)) read.set(file, existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : undefined);
    return read.get(file);
  };
  const byStep = new Map(steps.map((s) => [s.step, s]));
  steps.forEach((s, i) => {
    if (s.step !== i + 1) problems.push(`step ${s.step}: steps must be numbered 1, 2, 3… in order`);
    const body = text(s.file);
    if (body === undefined) return problems.push(`step ${s.step}: ${s.file} does not exist`);
    if (!defines(body, s.fn)) problems.push(`step ${s.step}: ${s.file} does not define ${s.fn}`);
    if (/^\d+$/.test(s.caller)) {
      const caller = byStep.get(Number(s.caller));
      if (!caller || caller.step >= s.step) problems.push(`step ${s.step}: its caller ${s.caller} is not an earlier step`);
      else if (!new RegExp(`\\b${escape(s.fn)}\\b`).test(text(caller.file) ?? ''))
        problems.push(`step ${s.step}: ${caller.file} (step ${caller.step}) does not call ${s.fn}`);
    }
  });
  const startsAt = steps.findIndex((s) => /StartPipelineExecution/.test(s.reaches));
  if (startsAt === -1) problems.push('no step reaches StartPipelineExecution');
  // Entering a project: from a caller in another one, or from outside (a Lambda invocation). Entered
  // again: a project already visited, entered from another place than before (one file calling two
  // functions of a library is one visit, read side by side).
  const leg = (rows) => {
    const enteredFrom = new Map();
    const reentries = [];
    let previous;
    for (const s of rows) {
      const project = projectOf(s.file);
      const caller = /^\d+$/.test(s.caller) ? byStep.get(Number(s.caller))?.file : undefined;
      const from = caller ?? s.caller;
      const enters = caller === undefined ? project !== previous : projectOf(caller) !== project;
      if (enters) {
        if (enteredFrom.has(project) && !enteredFrom.get(project).has(from)) reentries.push(`${project} (step ${s.step})`);
        enteredFrom.set(project, (enteredFrom.get(project) ?? new Set()).add(from));
      } else if (!enteredFrom.has(project)) enteredFrom.set(project, new Set([from]));
      previous = project;
    }
    return { files: new Set(rows.map((s) => s.file)).size, projects: enteredFrom.size, reentries };
  };
  return { problems, toStart: leg(steps.slice(0, startsAt + 1)), toStatus: leg(steps) };
}

if (require.main === module) {
  const arg = (name, fallback) => {
    const at = process.argv.indexOf(name);
    return at === -1 ? fallback : process.argv[at + 1];
  };
  const root = arg('--root', process.cwd());
  const doc = arg('--doc', join(root, 'docs/architecture.md'));
  const result = checkPushPath(readPushPath(readFileSync(doc, 'utf8')), root);
  if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
  else {
    for (const [name, leg] of [
      ['to StartPipelineExecution', result.toStart],
      ['to the commit status', result.toStatus],
    ])
      console.log(
        `${name}: ${leg.files} files in ${leg.projects} projects; entered again: ${leg.reentries.length ? leg.reentries.join(', ') : 'none'}`,
      );
    for (const p of result.problems) console.error(`problem: ${p}`);
  }
  process.exitCode = result.problems.length > 0 ? 1 : 0;
}
