import { defineDetection } from './define.js';
import { request, resourceRef, str } from './read.js';

/** CodeBuild: a public project shows its build logs and artifacts, often with secrets in them, to anyone. */

const codebuildProjectPublic = defineDetection({
  id: 'codebuild.project-public',
  title: 'CodeBuild project made public',
  category: 'EXP',
  mitre: ['T1530'],
  severity: 0.7,
  description:
    'UpdateProjectVisibility with projectVisibility PUBLIC_READ: anyone can read the project’s build results, logs and artifacts. Making a project PRIVATE is not matched.',
  triggers: [{ eventSource: 'codebuild.amazonaws.com', eventNames: ['UpdateProjectVisibility'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    if (str(req.projectVisibility) !== 'PUBLIC_READ') return null;
    const arn = str(req.projectArn);
    if (!arn) return null;
    const name = arn.split('/').pop() ?? arn;
    return {
      resource: resourceRef(record, 'AWS::CodeBuild::Project', name, {}, arn),
      summary: `CodeBuild project ${name} made public (PUBLIC_READ)`,
    };
  },
});

export { codebuildProjectPublic };
