import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { TriageStarter } from './reconcile.js';

/** Starts the triage state machine (EXPRESS, asynchronous) with the event as its input, as EventBridge does. */
function stepFunctionsTriageStarter(sfn: SFNClient, stateMachineArn: string): TriageStarter {
  return {
    async start(event, executionName) {
      await sfn.send(
        new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(event) }),
      );
    },
  };
}

export { stepFunctionsTriageStarter };
