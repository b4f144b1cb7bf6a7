import { describe, expect, it } from '@jest/globals';
import type { Command } from 'commander';
import { type CommandModule, runCli } from '../../src/program.js';
import { MemoryStream } from './helpers.js';

function io() {
  return { stdout: new MemoryStream(), stderr: new MemoryStream(), cwd: process.cwd() };
}

/** A module with one command `hello` that records it ran and sets exit code 3. */
function helloModule(ran: string[]): CommandModule {
  return {
    commands: ['hello'],
    load: async () => (program: Command, context) => {
      program
        .command('hello')
        .argument('<name>')
        .action((name: string) => {
          ran.push(name);
          context.setExitCode(3);
        });
    },
  };
}

const brokenModule: CommandModule = {
  commands: ['broken'],
  load: async () => {
    throw new Error("Cannot find module 'missing-dependency'\nRequire stack: ...");
  },
};

describe('aisaws program', () => {
  it('runs a command from a registered module and returns the exit code it set', async () => {
    // Prepare
    const ran: string[] = [];
    const streams = io();
    // Act
    const code = await runCli(['hello', 'world'], streams, [helloModule(ran), brokenModule]);
    // Assess: only the owning module is loaded, so the broken one does not get in the way.
    expect(code).toBe(3);
    expect(ran).toEqual(['world']);
    expect(streams.stderr.text()).toBe('');
  });

  it('lists every loadable command in help and notes a module that cannot load', async () => {
    const streams = io();
    const code = await runCli(['--help'], streams, [helloModule([]), brokenModule]);
    expect(code).toBe(0);
    expect(streams.stdout.text()).toContain('hello <name>');
    expect(streams.stderr.text()).toBe(
      "aisaws: the broken commands are unavailable: Cannot find module 'missing-dependency'\n",
    );
  });

  it('exits 2 on usage errors: unknown command, missing argument', async () => {
    const unknown = io();
    const missing = io();
    expect(await runCli(['nope'], unknown, [helloModule([])])).toBe(2);
    expect(unknown.stderr.text()).toContain("unknown command 'nope'");
    expect(await runCli(['hello'], missing, [helloModule([])])).toBe(2);
    expect(missing.stderr.text()).toContain("missing required argument 'name'");
  });

  it('registers scan by default, with its options in the help', async () => {
    const streams = io();
    expect(await runCli(['scan', '--help'], streams)).toBe(0);
    expect(streams.stdout.text()).toMatch(/--format <format>.*"table", "json", "sarif"/s);
    expect(streams.stdout.text()).toContain('--fail-on <level>');
  });
});
