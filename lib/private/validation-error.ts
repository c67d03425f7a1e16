import { IConstruct } from 'constructs';

/**
 * A refused input: a stable code beside the words, and the path of the construct that refused it,
 * as aws-cdk-lib's `ValidationError(code, message, scope)` carries them. aws-cdk-lib marks its own
 * class `@internal` (only `Errors.isValidationError` is public), so this library has its own; it is
 * not exported, and the public API stays what it was. The message is the whole explanation (the
 * prop, the bad value, the way out); the code is printed as the error's name, before it.
 */
export class ValidationError extends Error {
  /** What was refused, as a stable identifier, such as `EndpointClusterIsolatedPublic`. */
  public readonly code: string;

  /** The path of the construct that refused it. */
  public readonly constructPath: string;

  constructor(code: string, message: string, scope: IConstruct) {
    super(message);
    this.name = code;
    this.code = code;
    this.constructPath = scope.node.path;
    this.stack = `${this.stack}\nRelates to construct: ${this.constructPath}`;
  }
}
