// The CI workflows are valid YAML, have the shape the project relies on, and
// call only npm scripts that exist.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'timeout-minutes'?: number;
  strategy?: { matrix?: unknown };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  concurrency?: { group?: string };
  jobs: Record<string, Job>;
}

function load(name: string): Workflow {
  const document = parseDocument(readFileSync(join(WORKFLOWS, name), 'utf8'), { prettyErrors: true });
  expect(document.errors.map((e) => e.message), `${name} parses`).toEqual([]);
  return document.toJS() as Workflow;
}

const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** `npm test`, `npm run X`, `npm run --silent X`: the script each names. */
function npmScripts(command: string): string[] {
  const named = [...command.matchAll(/\bnpm run(?:\s+(?:--silent|-s))?\s+([\w:.-]+)/g)].map((m) => m[1] as string);
  const builtins = [...command.matchAll(/\bnpm (test|start)\b/g)].map((m) => m[1] as string);
  return [...named, ...builtins];
}

function steps(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs).flatMap((job) => job.steps);
}

describe('GitHub workflows', () => {
  const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

  it('are ci.yml and robustness.yml, and every npm script they run exists', () => {
    expect(files.sort()).toEqual(['ci.yml', 'robustness.yml']);
    for (const file of files) {
      const called = steps(load(file)).flatMap((step) => npmScripts(step.run ?? ''));
      expect(called.length, `${file} runs npm scripts`).toBeGreaterThan(0);
      for (const script of called) expect(scripts, `${file} calls npm script "${script}"`).toHaveProperty([script]);
    }
  });

  it('every job has a time limit', () => {
    for (const file of files) {
      for (const [name, job] of Object.entries(load(file).jobs)) {
        expect(job['timeout-minutes'], `${file} job ${name}`).toBeGreaterThan(0);
      }
    }
  });

  it('ci.yml runs npm ci and npm test on push and pull request', () => {
    const ci = load('ci.yml');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    const runs = steps(ci).map((s) => s.run);
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm test');
  });

  it('robustness.yml: nightly and on demand, sharded with own seeds, benchmark, JUnit, failures, summary', () => {
    const robust = load('robustness.yml');
    expect(robust.on).toHaveProperty('schedule');
    const dispatch = robust.on.workflow_dispatch as { inputs: Record<string, unknown> };
    expect(Object.keys(dispatch.inputs).sort()).toEqual(['hub', 'runs', 'seed']);
    expect(robust.concurrency?.group).toBeTruthy();
    const fuzz = robust.jobs.fuzz as Job;
    const shards = (fuzz.strategy?.matrix as { include: Array<{ shard: number }> }).include.map((s) => s.shard);
    expect(new Set(shards).size).toBe(shards.length);
    const script = fuzz.steps.map((s) => s.run ?? '').join('\n');
    expect(script).toMatch(/--seed "\$seed"/);
    expect(script).toContain('SHARD');
    expect(script).toContain('--junit');
    expect(script).toContain('GITHUB_STEP_SUMMARY');
    expect(script).toContain('--keep-going');
    expect(script).toContain('.findings');
    expect(script).toContain('--html');
    const uploads = fuzz.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(uploads.map((s) => String(s.with?.path))).toContain('.fuzz/failures/');
    expect(uploads.some((s) => String(s.with?.path).includes('reports/timeline-'))).toBe(true);
    const restore = fuzz.steps.find((s) => s.uses?.startsWith('dawidd6/action-download-artifact'));
    expect(restore?.with?.path).toBe('.fuzz/failures/');
    expect(fuzz.steps.some((s) => s.uses?.startsWith('mikepenz/action-junit-report'))).toBe(true);
    expect(steps(robust).some((s) => s.run?.includes('npm run bench:faults'))).toBe(true);
    expect(steps(robust).some((s) => s.run?.includes('bench:faults -- --together'))).toBe(true);
  });
});
