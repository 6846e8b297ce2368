const sharedOptions = `Tenant and app (flags win over --config):
  --config <file>            JSON config: { cloud, app: { clientId, homeTenantId, credential },
                             tenants: [binding…], egressIps, privateEndpoint }
  --tenant <id or name>      pick one tenant of the config (tenant id or displayName)
  --client-id <guid>         the platform's multi-tenant app registration
  --tenant-id <guid>         the customer tenant (with --endpoint and --deployment)
  --endpoint <url>           the customer's custom-subdomain endpoint
  --deployment <name>        a deployment the platform uses (repeat for several)
  --arm-resource-id <id>     the account's ARM id (lets verify read its settings)
  --api-version <version>    data-plane api version
  --display-name <name>      the customer's name, for headings
  --egress-ip <ip or cidr>   a public egress IP of the platform (repeat for several)
  --private-endpoint         the platform uses a private endpoint instead of IP rules
  --cloud <name>             public (default), usGovernment or china
  --ca-file <pem>            CA to trust for a cloud defined in --config (the mock's)
  -h, --help                 this help`;

/** Help texts, by command. */
export const helpTexts = {
  main: `Usage: crosstenant <command> [options]

Commands:
  checklist     print what a customer's Azure admin must configure
  verify        check a customer's setup live and report each step
  consent-url   print the admin-consent URL of a customer tenant

Run crosstenant <command> --help for the options of a command.

Exit codes: 0 all good, 1 something to fix (verify), 2 usage or configuration error.
`,
  checklist: `Usage: crosstenant checklist [options]

Prints the allowlist checklist of one tenant (or of each tenant of the config).

  --format <format>          markdown (default), text, json, azure-cli, bicep, terraform
  --color                    ANSI colours in the text format

${sharedOptions}
`,
  verify: `Usage: crosstenant verify [options]

Verifies a customer's setup live: a token from their tenant, an empty data-plane request
(costs nothing), and with --arm-resource-id the account's settings and role assignments.
Progress goes to stderr; the report to stdout. Exit code 0 when every step passes, 1 when a
step fails, warns or could not be verified, 2 for a usage or configuration error.

  --format <format>          text (default), markdown, json, azure-cli, bicep, terraform
  --color                    ANSI colours in the text format
  --probe-deployment         also send a one-token completion to each deployment
  --timeout-ms <ms>          timeout of each probe (default 15000)
  --home-tenant-id <guid>    the platform's home tenant
  --certificate-path <pem>   authenticate with this certificate (PEM with the private key)
  --client-secret-env <var>  authenticate with the secret in this environment variable
                             (without either: the config's app.credential, else the
                             AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_* environment)

Against the mock: start crosstenant-mock, put the cloud it prints in the config's "cloud"
(with "caFile"), or pass --ca-file with the CA file it wrote.

${sharedOptions}
`,
  "consent-url": `Usage: crosstenant consent-url [options]

Prints the admin-consent URL for each tenant: open it as an admin of that tenant.

  --redirect-uri <url>       where Entra ID sends the admin back (registered on the app)
  --state <value>            opaque value echoed back, to match the answer to the request

${sharedOptions}
`,
} as const;
