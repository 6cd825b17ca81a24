#!/usr/bin/env bash
# Debian packages the tests need beyond the .NET SDK: MuJoCo 2.2.2 for the robot tasks,
# PostgreSQL and Redis as the cluster tests' membership stores (the tests start and stop them
# themselves through tools/services.sh), Chromium for qd serve's browser test and npm to fetch its
# charting library (tools/web-assets.sh), and Debian's pandas to read `qd export`'s CSV as a pyribs user would. Installed when absent and we are root, as on CI;
# otherwise one line says what to install. Sourced by ./test.
qd_system_packages() {
  local missing=()
  ldconfig -p 2>/dev/null | grep 'libmujoco\.so\.2\.2\.2' >/dev/null || missing+=(libmujoco2.2.2)
  command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v npm >/dev/null || missing+=(npm)
  /usr/bin/python3 -c 'import pandas' 2>/dev/null || missing+=(python3-pandas)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]} (Debian packages)" >&2
    apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null
  else
    echo "setup: the robot, cluster and dashboard tests need: apt-get install ${missing[*]}" >&2
  fi
}
