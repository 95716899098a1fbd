package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	vaultapi "github.com/hashicorp/vault/api"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/safefile"
	"github.com/syncd-dev/syncd/internal/source"
)

// connection holds the flags for reaching Vault and Kubernetes. Vault follows
// its own environment (VAULT_ADDR, VAULT_TOKEN, VAULT_CACERT, VAULT_NAMESPACE,
// ...); Kubernetes uses --kubeconfig, then KUBECONFIG, then in-cluster config.
type connection struct {
	kubeconfig  string
	kubeContext string
}

// vaultClient builds a Vault client from the environment, counting requests.
func (o *options) vaultClient(counter *live.Counter) (*vaultapi.Client, error) {
	c, err := o.vaultClientNoToken(counter)
	if err != nil {
		return nil, err
	}
	if c.Token() == "" {
		tok, err := cliToken()
		if err != nil {
			return nil, err
		}
		if tok == "" {
			return nil, fmt.Errorf("no Vault token: run `vault login`, or set VAULT_TOKEN (the in-cluster daemon logs in with Kubernetes auth instead: syncd run --vault-auth kubernetes)%s", tokenHelperHint())
		}
		c.SetToken(tok)
	}
	return c, nil
}

// cliToken is the token the vault CLI uses when VAULT_TOKEN is unset:
// ~/.vault-token, where `vault login` stores it ("" when there is none).
func cliToken() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", nil
	}
	b, err := safefile.Read(filepath.Join(home, ".vault-token"), secretFileMax, safefile.FollowLinks)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the vault CLI's token: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// tokenHelperHint: with an external token helper configured for the vault
// CLI (~/.vault or $VAULT_CONFIG_PATH), the token is not in ~/.vault-token.
func tokenHelperHint() string {
	path := os.Getenv("VAULT_CONFIG_PATH")
	if home, err := os.UserHomeDir(); path == "" && err == nil {
		path = filepath.Join(home, ".vault")
	}
	if b, err := safefile.Read(path, secretFileMax, safefile.FollowLinks); err == nil && strings.Contains(string(b), "token_helper") {
		return fmt.Sprintf("; %s names a token helper, which syncd does not run: VAULT_TOKEN=$(vault print token) syncd ...", path)
	}
	return ""
}

// vaultClientNoToken is vaultClient for a caller that logs in itself.
func (o *options) vaultClientNoToken(counter *live.Counter) (*vaultapi.Client, error) {
	cfg := vaultapi.DefaultConfig() // reads VAULT_ADDR, VAULT_CACERT, ...
	if cfg.Error != nil {
		return nil, fmt.Errorf("vault config: %w", cfg.Error)
	}
	if err := o.plainHTTP("VAULT_ADDR", cfg.Address); err != nil {
		return nil, err
	}
	cfg.HttpClient.Transport = counter.Wrap(cfg.HttpClient.Transport)
	c, err := vaultapi.NewClient(cfg) // reads VAULT_TOKEN, VAULT_NAMESPACE
	if err != nil {
		return nil, fmt.Errorf("vault client: %w", err)
	}
	return c, nil
}

// plainHTTP refuses an http:// address that a credential would cross,
// unless --allow-insecure-http.
func (o *options) plainHTTP(what, addr string) error {
	u, err := url.Parse(addr)
	if err != nil || u.Scheme != "http" || o.allowHTTP {
		return nil
	}
	return fmt.Errorf("%s %s is plain HTTP: a token or password would cross it in clear text; use https:// (--allow-insecure-http for a loopback test bed only)", what, source.Redact(addr))
}

// kubeClient builds a dynamic client, counting requests.
func (c connection) kubeClient(counter *live.Counter) (dynamic.Interface, error) {
	_, dyn, err := c.kubeClients(counter)
	return dyn, err
}

// kubeClients builds the REST client plans read with and the dynamic
// client applies write with, on one transport, counting requests.
func (c connection) kubeClients(counter *live.Counter) (rest.Interface, dynamic.Interface, error) {
	cfg, err := c.restConfig()
	if err != nil {
		return nil, nil, err
	}
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return counter.Wrap(rt) })
	return kuberead.Clients(cfg)
}

// typedClient is the typed client, for what the dynamic one does not do
// (TokenRequest, Leases, Deployments).
func (c connection) typedClient() (kubernetes.Interface, error) {
	rc, err := c.restConfig()
	if err != nil {
		return nil, err
	}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, err
	}
	return cs, nil
}

// restConfig resolves --kubeconfig, KUBECONFIG, ~/.kube/config, then the
// in-cluster config — never the in-cluster one when --kubeconfig,
// --context or KUBECONFIG was given: on a runner that is a pod, a typo
// would otherwise target the runner's own cluster.
func (c connection) restConfig() (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules() // KUBECONFIG, ~/.kube/config
	if c.kubeconfig != "" {
		rules.ExplicitPath = c.kubeconfig
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules,
		&clientcmd.ConfigOverrides{CurrentContext: c.kubeContext}).ClientConfig()
	if err != nil {
		explicit := c.kubeconfig != "" || c.kubeContext != "" || os.Getenv(clientcmd.RecommendedConfigPathEnvVar) != ""
		if inCluster, ierr := rest.InClusterConfig(); ierr == nil && !explicit {
			cfg = inCluster
		} else {
			tried := rules.GetLoadingPrecedence()
			if rules.ExplicitPath != "" {
				tried = []string{rules.ExplicitPath}
			}
			ctx := ""
			if c.kubeContext != "" {
				ctx = fmt.Sprintf(" (context %q)", c.kubeContext)
			}
			also := " and the in-cluster service account"
			if explicit {
				also = " (the in-cluster service account is not tried when a kubeconfig or context is named)"
			}
			return nil, fmt.Errorf("no usable Kubernetes configuration: tried %s%s%s: %s; set --kubeconfig or KUBECONFIG",
				strings.Join(tried, ", "), ctx, also, strings.ReplaceAll(err.Error(), ", try setting KUBERNETES_MASTER environment variable", ""))
		}
	}
	// client-go's 5/10 throttles even a small plan, and 50/100 made a
	// 1,000-tenant apply wait 90 s on the token bucket: the request pools
	// (reads 8, writes --parallelism) bound the load and the API server's
	// priority and fairness protects it; this only stops a runaway loop.
	cfg.QPS, cfg.Burst = 1000, 2000
	return cfg, nil
}
