# Sourced by scripts/test and scripts/demo: installs what the project needs, idempotently and quietly.
# Debian packages: a JDK 17 and Maven to build; etcd, sshd and iproute2 for the real-part tests and
# the local cluster, whose machines are booted by systemd-nspawn (systemd-container) on an overlay
# whose private directories are marked opaque with setfattr (attr). This is the one list: the local
# cluster script sources it too. chromium and its driver run the dashboard's browser tests; openssl makes
# the local cluster's certificates.
fleet_install_deps() {
  local need=()
  command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || need+=(maven)
  command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
  command -v etcdctl >/dev/null 2>&1 || need+=(etcd-client)
  [ -x /usr/sbin/sshd ] || need+=(openssh-server)
  command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
  command -v ip >/dev/null 2>&1 || need+=(iproute2)
  command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
  command -v pgrep >/dev/null 2>&1 || need+=(procps)
  command -v flock >/dev/null 2>&1 || need+=(util-linux)
  [ -x /usr/lib/systemd/systemd ] || need+=(systemd)
  [ -e /usr/bin/dbus-daemon ] || need+=(dbus)
  command -v systemd-nspawn >/dev/null 2>&1 || need+=(systemd-container)
  command -v setfattr >/dev/null 2>&1 || need+=(attr)
  [ -x /usr/bin/chromium ] || need+=(chromium)              # the dashboard's browser tests (headless)
  [ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
  command -v openssl >/dev/null 2>&1 || need+=(openssl)    # scripts/local-cluster-tls
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing: ${need[*]}" >&2
    if [ "$(id -u)" -ne 0 ]; then echo "need root to apt-get install ${need[*]}" >&2; return 1; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

# lintian, to check the Debian packages (packaging/target/*.deb): only for whoever checks them.
fleet_install_lintian() {
  command -v lintian >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -ne 0 ]; then echo "need root to apt-get install lintian" >&2; return 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lintian >/dev/null
}
