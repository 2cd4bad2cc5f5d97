/**
 * The list of `rusle` subcommands. Each lives in its own file in this folder; add one line here per command.
 * @module
 */
import type { Command } from '../command.js';
import { formulaCommand } from './formula.js';
import { factorCommand } from './factor.js';
import { gradeCommand } from './grade.js';
import { rateCommand } from './rate.js';
import { changeCommand } from './change.js';
import { planCommand } from './plan.js';
import { riskCommand } from './risk.js';
import { disturbanceCommand } from './disturbance.js';
import { monitorCommand } from './monitor.js';
import { runCommand } from './run.js';
import { demoCommand } from './demo.js';
import { flowCommand } from './flow.js';
import { lsCommand } from './ls.js';
import { slopeCommand } from './slope.js';
import { fillCommand } from './fill.js';
import { soilLossCommand } from './soil-loss.js';
import { csleCommand } from './csle.js';

/** Every subcommand, in the order `rusle --help` lists them. */
export const COMMANDS: readonly Command[] = [
  formulaCommand,
  factorCommand,
  slopeCommand,
  fillCommand,
  flowCommand,
  lsCommand,
  soilLossCommand,
  csleCommand,
  gradeCommand,
  rateCommand,
  changeCommand,
  planCommand,
  riskCommand,
  disturbanceCommand,
  monitorCommand,
  runCommand,
  demoCommand,
];
