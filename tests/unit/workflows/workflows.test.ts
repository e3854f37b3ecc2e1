/**
 * The GitHub workflows' shape: they parse, preview every touched stack with the
 * policy pack as a PR comment, deploy per environment behind GitHub environments,
 * run only commands the README names, and never put a secret where a log shows it.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { changedStacks } from "../../../tools/lib/changedStacks";
import { PROJECT_DIR } from "../../helpers/stacks";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const WORKFLOW_DIR = path.join(PROJECT_DIR, ".github", "workflows");
const read = (file: string): Workflow => YAML.parse(fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8"), { strict: true, uniqueKeys: true });
const workflows = Object.fromEntries(fs.readdirSync(WORKFLOW_DIR).map((file) => [file, read(file)]));
const preview = workflows["preview.yml"];
const deploy = workflows["deploy.yml"];
const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);
const pulumiSteps = (job: Job) => job.steps.filter((step) => step.uses?.startsWith("pulumi/actions@"));
const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
const scripts = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts as Record<string, string>;

describe("the workflows", () => {
  it("are the two the README describes, and parse as YAML with unique keys", () => {
    expect(Object.keys(workflows).sort()).toEqual(["deploy.yml", "preview.yml"]);
    for (const workflow of Object.values(workflows)) expect(Object.keys(workflow.jobs).length).toBeGreaterThan(0);
  });

  it("run only npm scripts that exist and that the README names", () => {
    const commands = Object.values(workflows)
      .flatMap(steps)
      .flatMap((step) => [...(step.run ?? "").matchAll(/npm run (?:-s )?([\w:-]+)/g)].map((match) => match[1]));
    expect(new Set(commands)).toEqual(new Set(["check-config", "test:unit", "plan"]));
    for (const command of commands) {
      expect(scripts).toHaveProperty([command]);
      expect(readme).toMatch(new RegExp(`npm run ${command.replace(/[:-]/g, "\\$&")}\\b`));
    }
  });

  it("never echo a secret: secrets reach steps only through env and action inputs, and scripts only write them to files", () => {
    for (const [file, workflow] of Object.entries(workflows)) {
      const secretEnv = new Set<string>();
      for (const job of Object.values(workflow.jobs)) {
        for (const [name, value] of Object.entries(job.env ?? {})) if (value.includes("secrets.")) secretEnv.add(name);
        for (const step of job.steps) {
          for (const [name, value] of Object.entries(step.env ?? {})) if (value.includes("secrets.")) secretEnv.add(name);
          // Inline ${{ secrets.X }} in a script lands in the script text itself.
          expect([file, step.run ?? ""]).toEqual([file, expect.not.stringContaining("secrets.")]);
        }
      }
      expect(secretEnv.size).toBeGreaterThan(0);
      for (const step of steps(workflow).filter((candidate) => candidate.run)) {
        expect(step.run).not.toMatch(/set -x|set -o xtrace/);
        for (const line of step.run!.split("\n")) {
          const uses = [...secretEnv].filter((name) => new RegExp(`\\$\\{?${name}\\b`).test(line));
          if (uses.length === 0) continue;
          // The only use allowed: printf into a file.
          expect([file, line.trim()]).toEqual([file, expect.stringMatching(/^printf '%s\\n' "\$\w+" >> ~\/\.ssh\/known_hosts$/)]);
        }
      }
    }
  });
});

describe("pull requests", () => {
  it("check the stack files and run the unit tests", () => {
    expect(Object.keys(preview.on)).toEqual(["pull_request"]);
    const runs = preview.jobs.check.steps.map((step) => step.run ?? "").join("\n");
    expect(runs).toContain("npm run -s check-config --");
    expect(runs).toContain("npm run test:unit");
    expect(runs).toContain("npx tsc --noEmit");
  });

  it("preview each touched stack with the policy pack, as a PR comment from the official action, after the checks", () => {
    const job = preview.jobs.preview;
    expect(job.needs).toEqual(expect.arrayContaining(["check", "stacks"]));
    expect((job as any).strategy.matrix.stack).toBe("${{ fromJSON(needs.stacks.outputs.changed) }}");
    const [pulumi] = pulumiSteps(job);
    expect(pulumi.uses).toBe("pulumi/actions@v7");
    expect(pulumi.with).toMatchObject({ command: "preview", "stack-name": "${{ matrix.stack }}", policyPacks: "policy", "comment-on-pr": true });
  });

  it("add pgswarm's plan summary and Mermaid diagram to that same comment", () => {
    const job = preview.jobs.preview;
    const pulumiAt = job.steps.findIndex((step) => step.uses?.startsWith("pulumi/actions@"));
    const planAt = job.steps.findIndex((step) => /npm run -s plan -- "\$STACK" --markdown --previous previous\.json/.test(step.run ?? ""));
    const commentAt = job.steps.findIndex((step) => step.uses?.startsWith("actions/github-script@"));
    expect(pulumiAt).toBeGreaterThanOrEqual(0);
    expect(planAt).toBeGreaterThan(pulumiAt);
    expect(commentAt).toBeGreaterThan(planAt);
    const script = String(job.steps[commentAt].with?.script);
    expect(script).toContain("#### :tropical_drink: `preview` on pgswarm/");
    expect(script).toContain("updateComment");
  });
});

describe("merges to main", () => {
  it("pulumi up staging, then prod, each in its GitHub environment", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] } });
    expect(deploy.jobs.staging.environment).toBe("staging");
    expect(deploy.jobs.prod.environment).toBe("prod");
    expect(deploy.jobs.prod.needs).toEqual(expect.arrayContaining(["staging"]));
    expect(deploy.jobs.prod.if).toContain("needs.staging.result == 'success' || needs.staging.result == 'skipped'");
    for (const stack of ["staging", "prod"]) {
      const [up] = pulumiSteps(deploy.jobs[stack]);
      expect(up.with).toMatchObject({ command: "up", "stack-name": stack, policyPacks: "policy" });
    }
  });

  it("take the backend and passphrase from repository secrets", () => {
    for (const job of [preview.jobs.preview, deploy.jobs.staging, deploy.jobs.prod]) {
      expect(job.env).toEqual({
        PULUMI_BACKEND_URL: "${{ secrets.PULUMI_BACKEND_URL }}",
        PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
      });
    }
  });
});

describe("which stacks a change touches", () => {
  const stacks = ["staging", "prod"];
  it.each<[string[], string[]]>([
    [["Pulumi.prod.yaml"], ["prod"]],
    [["Pulumi.staging.yaml", "docs/operations.md"], ["staging"]],
    [["Pulumi.dev.yaml"], []],
    [["components/postgres/router.ts"], ["staging", "prod"]],
    [["policy/dbServices.ts"], ["staging", "prod"]],
    [["package-lock.json"], ["staging", "prod"]],
    [["README.md", "tests/unit/stack.test.ts", "tools/plan.ts"], []],
  ])("%j → %j", (files, expected) => expect(changedStacks(files, stacks)).toEqual(expected));
});
