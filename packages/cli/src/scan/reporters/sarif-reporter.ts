import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { type DetectionDefinition, isInformational } from '@aisaws/core/detections';
import type { RiskLevel } from '@aisaws/core/schemas';
import type { EventEvaluation, InputLocation, ScanError } from '@aisaws/scan-engine';
import { BufferedWriter } from '../buffered-writer.js';
import type { ScanSummary } from '../summary.js';
import type { ScanReporter } from './reporter.js';

/**
 * `--format sarif`: a SARIF 2.1.0 log (OASIS standard) for code-scanning tools. One result per detection hit, the
 * rules are the detection catalog (with MITRE ATT&CK ids as tags), the level comes from the decision's risk level
 * (an informational hit is always a note),
 * the location is the input file with its line (JSON Lines) or its index (arrays, `Records`) as a logical location.
 * Input errors are tool execution notifications.
 */

const C1_CONTROLS = /[\u007f-\u009f\u2028\u2029]/g;
const escapeChar = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = 'SRCROOT';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL_BY_RISK: Record<RiskLevel, SarifLevel> = { HIGH: 'error', MEDIUM: 'warning', LOW: 'note' };

interface SarifOptions {
  readonly rules: readonly DetectionDefinition[];
  readonly toolVersion: string;
  /** Paths inside it are written relative to it (uriBaseId SRCROOT); others as file:// URIs. */
  readonly cwd: string;
}

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

function artifactLocation(file: string, cwd: string): ArtifactLocation {
  // An S3 object (`aisaws scan s3://…`) is already a URI.
  if (file.startsWith('s3://')) return { uri: file };
  const absolute = resolve(cwd, file);
  const inside = relative(cwd, absolute);
  if (inside !== '' && !inside.startsWith('..') && !isAbsolute(inside)) {
    return { uri: inside.split(sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  }
  return { uri: pathToFileURL(absolute).href };
}

function sarifLocation(location: InputLocation, cwd: string): Record<string, unknown> {
  const physicalLocation: Record<string, unknown> = {
    artifactLocation: artifactLocation(location.file, cwd),
  };
  if (location.line !== undefined) physicalLocation.region = { startLine: location.line };
  const sarif: Record<string, unknown> = { physicalLocation };
  if (location.index !== undefined) {
    sarif.logicalLocations = [
      { name: `[${location.index}]`, fullyQualifiedName: `Records[${location.index}]`, kind: 'element' },
    ];
  }
  return sarif;
}

function sarifRule(definition: DetectionDefinition): Record<string, unknown> {
  return {
    id: definition.id,
    name: definition.title,
    shortDescription: { text: definition.title },
    fullDescription: { text: definition.description },
    defaultConfiguration: {
      level: definition.severity >= 0.7 ? 'error' : definition.severity >= 0.4 ? 'warning' : 'note',
    },
    properties: {
      tags: [
        'security',
        ...definition.mitre.map((id) => `external/mitre-attack/${id}`),
        `aisaws/${definition.category}`,
      ],
      'security-severity': (definition.severity * 10).toFixed(1),
      precision: 'high',
      playbook: definition.playbook,
    },
  };
}

function createSarifReporter(stdout: Writable, options: SarifOptions): ScanReporter {
  const ruleIndex = new Map(options.rules.map((rule, index) => [rule.id, index]));
  const rules = options.rules.map(sarifRule);
  const results: Record<string, unknown>[] = [];
  const notifications: Record<string, unknown>[] = [];

  const addHits = (evaluation: EventEvaluation): void => {
    const { result, decision } = evaluation;
    for (const hit of evaluation.hits) {
      let index = ruleIndex.get(hit.id);
      if (index === undefined) {
        // A detection from outside the catalog (a plugin registry): describe it from the hit.
        index = rules.length;
        ruleIndex.set(hit.id, index);
        rules.push({
          id: hit.id,
          name: hit.title,
          shortDescription: { text: hit.title },
          properties: { tags: ['security', ...hit.mitre.map((id) => `external/mitre-attack/${id}`)] },
        });
      }
      results.push({
        ruleId: hit.id,
        ruleIndex: index,
        level: isInformational(hit) ? 'note' : LEVEL_BY_RISK[decision.level],
        message: { text: `${hit.summary}. Decision: ${decision.action} (${decision.reason}).` },
        locations: [sarifLocation(result.source, options.cwd)],
        partialFingerprints: { 'aisaws/eventId/v1': `${result.eventId}/${hit.id}` },
        properties: {
          eventId: result.eventId,
          eventName: result.eventName,
          severity: hit.severity,
          riskScore: result.risk.score,
          riskLevel: decision.level,
          action: decision.action,
          actionable: hit.actionable,
        },
      });
    }
  };

  const addError = (error: ScanError): void => {
    notifications.push({
      level: 'error',
      message: { text: error.error },
      locations: [sarifLocation(error, options.cwd)],
    });
  };

  return {
    report(evaluation) {
      if (evaluation.kind === 'error') addError(evaluation.error);
      else if (evaluation.hits.length > 0) addHits(evaluation);
      return undefined;
    },
    async finish(summary: ScanSummary) {
      const log = {
        $schema: SARIF_SCHEMA,
        version: '2.1.0',
        runs: [
          {
            tool: {
              driver: {
                name: 'aisaws',
                version: options.toolVersion,
                rules,
              },
            },
            originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(`${resolve(options.cwd)}${sep}`).href } },
            invocations: [
              {
                executionSuccessful: summary.unreadable === 0,
                toolExecutionNotifications: notifications,
                properties: { events: summary.events, inputErrors: summary.errors, files: summary.files },
              },
            ],
            results,
          },
        ],
      };
      // DEL and the C1 controls are valid raw in JSON; escaped anyway so that no viewer meets them.
      const out = new BufferedWriter(stdout);
      await out.write(`${JSON.stringify(log, null, 2).replace(C1_CONTROLS, escapeChar)}\n`);
      await out.flush();
    },
  };
}

export { createSarifReporter };
