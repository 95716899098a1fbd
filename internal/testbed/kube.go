package testbed

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

func startEtcd(ctx context.Context, bin string, o procOpts) (*proc, string, error) {
	ports, err := freePorts(2, false)
	if err != nil {
		return nil, "", err
	}
	client := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	peer := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	p, err := start("etcd", bin, []string{
		"--name=testbed", "--data-dir=" + filepath.Join(o.dir, "etcd"),
		"--listen-client-urls=" + client, "--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=testbed=" + peer, "--unsafe-no-fsync", "--log-level=warn",
	}, o)
	if err != nil {
		return nil, "", err
	}
	err = p.waitReady(ctx, time.Minute, func(ctx context.Context) error { return httpOK(ctx, client+"/health") })
	return p, client, err
}

func startKubeAPIServer(ctx context.Context, bin, etcdURL string, certs *pki, o procOpts) (*proc, *rest.Config, error) {
	ports, err := freePorts(1, false)
	if err != nil {
		return nil, nil, err
	}
	port := ports[0]
	p, err := start("kube-apiserver", bin, []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--cert-dir=" + filepath.Join(o.dir, "apiserver-certs"),
		"--tls-cert-file=" + certs.ServingCert, "--tls-private-key-file=" + certs.ServingKey,
		"--client-ca-file=" + certs.CA,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + certs.SAPub,
		"--service-account-signing-key-file=" + certs.SAKey,
		"--authorization-mode=RBAC",
		"--service-cluster-ip-range=10.96.0.0/24",
		"--endpoint-reconciler-type=none",
		"--enable-priority-and-fairness=false",
		"--profiling=false",
		"--v=0",
	}, o)
	if err != nil {
		return nil, nil, err
	}
	cfg := &rest.Config{
		Host: fmt.Sprintf("https://127.0.0.1:%d", port),
		TLSClientConfig: rest.TLSClientConfig{
			CAData: certs.caPEM, CertData: certs.clientCertPEM, KeyData: certs.clientKeyPEM,
		},
		QPS: 200, Burst: 400,
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return p, nil, err
	}
	err = p.waitReady(ctx, 2*time.Minute, func(ctx context.Context) error {
		_, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		return err
	})
	return p, cfg, err
}

// writeKubeconfig writes an admin kubeconfig for cfg.
func writeKubeconfig(path string, cfg *rest.Config) error {
	kc := clientcmdapi.NewConfig()
	kc.Clusters["testbed"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["testbed-admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData}
	kc.Contexts["testbed"] = &clientcmdapi.Context{Cluster: "testbed", AuthInfo: "testbed-admin"}
	kc.CurrentContext = "testbed"
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}
