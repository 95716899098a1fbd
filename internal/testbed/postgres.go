package testbed

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgInstance is a running PostgreSQL server.
type pgInstance struct {
	Port     int
	Password string // of the superuser "postgres"
	Dir      string // data and socket directory, removed on stop
}

// URL is an admin connection string for database db.
func (pg pgInstance) URL(db string) string {
	return fmt.Sprintf("postgres://postgres:%s@127.0.0.1:%d/%s?sslmode=disable", pg.Password, pg.Port, db)
}

// pgCredential returns the credential to run Postgres with: initdb refuses to
// run as root, so as root we run it as the unprivileged "postgres" user.
func pgCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root and there is no postgres user to run PostgreSQL as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func startPostgres(ctx context.Context, initdb, postgres string, o procOpts) (*proc, pgInstance, error) {
	pg := pgInstance{Password: randomHex(16)}
	cred, err := pgCredential()
	if err != nil {
		return nil, pg, err
	}
	// Its own directory under the system temp dir: the bed's directory may be
	// somewhere (like /root) the postgres user cannot reach.
	base, err := os.MkdirTemp("", "syncd-testbed-pg-")
	if err != nil {
		return nil, pg, err
	}
	pg.Dir = base
	data := filepath.Join(base, "data")
	pwfile := filepath.Join(base, "pwfile")
	if err := os.WriteFile(pwfile, []byte(pg.Password+"\n"), 0o600); err != nil {
		return nil, pg, err
	}
	if cred != nil {
		for _, p := range []string{base, pwfile} {
			if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
				return nil, pg, err
			}
		}
	}
	cmd := exec.CommandContext(ctx, initdb, "-D", data, "-U", "postgres", "--auth=scram-sha-256",
		"--pwfile="+pwfile, "-E", "UTF8", "--no-sync", "--no-instructions")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	cmd.Dir = base
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, pg, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	ports, err := freePorts(1, false)
	if err != nil {
		return nil, pg, err
	}
	pg.Port = ports[0]
	o.cred, o.workDir = cred, base
	p, err := start("postgres", postgres, []string{
		"-D", data, "-p", strconv.Itoa(pg.Port), "-k", base,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
		"-c", "synchronous_commit=off", "-c", "full_page_writes=off",
	}, o)
	if err != nil {
		return nil, pg, err
	}
	p.StopSignal = syscall.SIGINT // "fast" shutdown: SIGTERM would wait for Vault's connections
	err = p.waitReady(ctx, time.Minute, func(ctx context.Context) error {
		conn, err := pgx.Connect(ctx, pg.URL("postgres"))
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		return conn.Ping(ctx)
	})
	return p, pg, err
}

// seedDatabases creates the demo databases with one table each.
func seedDatabases(ctx context.Context, pg pgInstance) error {
	conn, err := pgx.Connect(ctx, pg.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for db, ddl := range map[string]string{
		"catalog": `CREATE TABLE books (id serial PRIMARY KEY, title text NOT NULL);
			INSERT INTO books (title) VALUES ('The Phoenix Project'), ('Site Reliability Engineering');`,
		"orders": `CREATE TABLE orders (id serial PRIMARY KEY, book_id int NOT NULL, qty int NOT NULL);`,
	} {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{db}.Sanitize()); err != nil {
			return fmt.Errorf("create database %s: %w", db, err)
		}
		dbc, err := pgx.Connect(ctx, pg.URL(db))
		if err != nil {
			return err
		}
		_, err = dbc.Exec(ctx, ddl)
		dbc.Close(ctx)
		if err != nil {
			return fmt.Errorf("seed %s: %w", db, err)
		}
	}
	return nil
}
