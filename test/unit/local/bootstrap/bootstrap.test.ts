import { Command } from 'commander';
import { formatChanges, pushEndpoint } from '../../../../tools/local/bootstrap';
import { registerBootstrapCommand } from '../../../../tools/cli/bootstrap-command';
import { registerFunctionsCommand } from '../../../../tools/cli/functions-command';
import { registerLoadPosCommand } from '../../../../tools/cli/load-pos-command';
import { registerReconcileCommand } from '../../../../tools/cli/reconcile-command';

describe('bootstrap helpers', () => {
  it('renders push endpoints under the functions base URL', () => {
    expect(pushEndpoint('http://localhost:8080/', { function: 'ingest', path: '/' })).toBe('http://localhost:8080/ingest/');
    expect(pushEndpoint('http://h:1', { function: 'pos-loader', path: '/run' })).toBe('http://h:1/pos-loader/run');
  });

  it('says when nothing changed', () => {
    expect(formatChanges([{ kind: 'topic', name: 'a', action: 'unchanged' }])).toBe('nothing to do: all 1 resources already exist\n');
    expect(formatChanges([{ kind: 'topic', name: 'a', action: 'created' }, { kind: 'table', name: 'raw.t', action: 'unchanged' }])).toBe('created topic a\n1 changed, 1 unchanged\n');
  });

  it('registers `bootstrap` with --functions-url', () => {
    const program = new Command();
    registerBootstrapCommand(program);
    const cmd = program.commands.find((c) => c.name() === 'bootstrap')!;
    expect(cmd.options.map((o) => o.long)).toEqual(['--functions-url']);
  });
});

describe('local commands of issue 6', () => {
  it('register with the options their help documents', () => {
    const program = new Command();
    registerFunctionsCommand(program);
    registerLoadPosCommand(program);
    registerReconcileCommand(program);
    const opts = (name: string) => program.commands.find((c) => c.name() === name)!.options.map((o) => o.long);
    expect(opts('functions')).toEqual(['--host', '--port']);
    expect(opts('load-pos')).toEqual([]);
    expect(opts('reconcile')).toEqual(['--since', '--published']);
  });
});
