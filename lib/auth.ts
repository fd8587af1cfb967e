import { Duration, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES } from '#shared/auth/permissions.js';
import { acknowledge } from './nag.js';

/** Sign-in through a company's identity provider, next to email and password. Off by default. */
export interface FederationProps {
  /** Prefix of the Cognito-hosted sign-in domain: `https://<prefix>.auth.<region>.amazoncognito.com`. */
  domainPrefix: string;
  oidc?: {
    name: string;
    issuerUrl: string;
    clientId: string;
    /** Name or ARN of a Secrets Manager secret holding the client secret (never a literal in the template). */
    clientSecretName: string;
    scopes?: string[];
  };
  saml?: {
    name: string;
    /** The IdP's SAML metadata document URL. */
    metadataUrl: string;
  };
}

export interface AuthProps {
  /** Deletion protection on, and kept when the stack is deleted. */
  protect: boolean;
  /**
   * Cognito threat protection in ENFORCED mode (compromised credentials, adaptive authentication).
   * It needs the Plus feature plan, billed per monthly active user, so it is opt-in.
   */
  threatProtection: boolean;
  /** Where the console is served: the federated sign-in's callback and sign-out URL. */
  consoleOrigin: string;
  federation?: FederationProps;
}

/**
 * The user pool as local/cognito.ts emulates it: the username is the lower-cased email, the tenant
 * is an immutable custom attribute, roles are groups, and the password policy is the one
 * shared/contracts/common.ts checks at the edge. Sign-up goes through the API (it also creates the
 * tenant), so self sign-up is off.
 */
export class Auth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** The hosted sign-in domain, when federation is on. */
  readonly domain?: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    const { protect, threatProtection, consoleOrigin, federation } = props;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: { tenantId: new cognito.StringAttribute({ mutable: false }) },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      userInvitation: {
        emailSubject: 'Your CloudOptima account',
        emailBody:
          'You have been invited to CloudOptima. Sign in as {username} with the temporary password {####} ' +
          'and choose your own password. The temporary password expires in 7 days.',
      },
      featurePlan: threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      ...(threatProtection ? { standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      deletionProtection: protect,
      removalPolicy: protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // Precedence decides which group's role a token reports when a user is in several: admin first.
    for (const [precedence, role] of [...ROLES].reverse().entries()) {
      this.userPool.addGroup(`Group-${role}`, { groupName: role, precedence, description: `CloudOptima ${role}` });
    }

    const providers = federation ? this.federate(federation) : [];

    this.client = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: 'cloudoptima-console',
      generateSecret: false,
      // Exactly what shared/identity/cognito.ts calls: InitiateAuth with a password, and refresh.
      authFlows: { userPassword: true },
      idTokenValidity: Duration.minutes(60),
      accessTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      supportedIdentityProviders: [
        cognito.UserPoolClientIdentityProvider.COGNITO,
        ...providers.map((provider) => cognito.UserPoolClientIdentityProvider.custom(provider.providerName)),
      ],
      // Without federation there is no hosted sign-in at all (CDK would otherwise enable OAuth flows).
      ...(federation
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true },
              scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
              callbackUrls: [`${consoleOrigin}/`],
              logoutUrls: [`${consoleOrigin}/`],
            },
          }
        : { disableOAuth: true }),
    });
    for (const provider of providers) this.client.node.addDependency(provider);
    if (federation) {
      this.domain = this.userPool.addDomain('HostedDomain', { cognitoDomain: { domainPrefix: federation.domainPrefix } });
    }

    acknowledge(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is optional (TOTP) rather than required: tenants are onboarded by invitation with a temporary password, ' +
        'and each organisation decides whether its users enrol; required MFA would block first sign-in through the API.',
    );
    if (!threatProtection) {
      acknowledge(
        this.userPool,
        'AwsSolutions-COG8',
        'The Plus feature plan (threat protection) is billed per monthly active user, so it is the threatProtection ' +
          'stack option, off by default; the API WAF rate rule and Cognito lockout still bound password guessing.',
      );
    }
  }

  /**
   * Identity providers for federated sign-in. Their users still need a tenant: `custom:tenantId` is
   * immutable and must not be mapped from the IdP, so linking a federated user to a tenant is the
   * job of the sign-in flow that assigns it (a later issue), not of an attribute mapping.
   */
  private federate(federation: FederationProps): cognito.IUserPoolIdentityProvider[] {
    const providers: cognito.IUserPoolIdentityProvider[] = [];
    if (federation.oidc) {
      const { name, issuerUrl, clientId, clientSecretName, scopes } = federation.oidc;
      providers.push(
        new cognito.UserPoolIdentityProviderOidc(this, 'Oidc', {
          userPool: this.userPool,
          name,
          issuerUrl,
          clientId,
          // A dynamic reference CloudFormation resolves at deploy time: the secret never enters the template.
          clientSecret: SecretValue.secretsManager(clientSecretName).unsafeUnwrap(),
          scopes: scopes ?? ['openid', 'email', 'profile'],
          attributeMapping: { email: cognito.ProviderAttribute.other('email') },
        }),
      );
    }
    if (federation.saml) {
      const { name, metadataUrl } = federation.saml;
      providers.push(
        new cognito.UserPoolIdentityProviderSaml(this, 'Saml', {
          userPool: this.userPool,
          name,
          metadata: cognito.UserPoolIdentityProviderSamlMetadata.url(metadataUrl),
          attributeMapping: {
            email: cognito.ProviderAttribute.other('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'),
          },
        }),
      );
    }
    return providers;
  }
}
