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
  declare public readonly code: string;

  /** The path of the construct that refused it. */
  declare public readonly constructPath: string;

  constructor(code: string, message: string, scope: IConstruct) {
    super(message);
    this.name = code;
    // not enumerable: Node prints an uncaught error's enumerable properties after its stack (`{ code:
    // ..., constructPath: ... }`), which would say again what the name and the last line say
    Object.defineProperty(this, 'code', { value: code, enumerable: false });
    Object.defineProperty(this, 'constructPath', { value: scope.node.path, enumerable: false });
    this.stack = `${this.stack}\nRelates to construct: ${this.constructPath}`;
  }

  /**
   * For a refusal that is about the machine, not about the code that called the library (a package
   * not installed): the stack trace would point into this library and bury the one line that
   * says what to run, so the construct's path stands in for it. Node prints an uncaught error's
   * `stack`, and the CDK CLI prints what the app printed: this is what `cdk synth` shows, after
   * Node's own header (the line it was thrown from) and before its version.
   */
  public withoutStackTrace(): this {
    // a line that starts like a frame, so that Node prints the stack as it is (without one, it
    // wraps the whole in brackets)
    this.stack = `${this.name}: ${this.message}\n    at construct ${this.constructPath}`;
    return this;
  }
}
