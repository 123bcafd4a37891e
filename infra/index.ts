// pizzaflow's Pulumi program: reads the stack configuration, composes the components, exports outputs.
import { runProgram } from './program';

// Pulumi runs the program from the project directory (where Pulumi.yaml is).
const stack = runProgram(process.cwd());

export const collectorUrl = stack.collectorUrl;
export const metricsApiUrl = stack.metricsApiUrl;
export const datasetIds = stack.datasetIds;
export const lookerStudioReportUrl = stack.lookerStudioReportUrl;
export const serviceAccounts = stack.serviceAccounts;
