"""Operating the installation: deployment files, logs, health, backups, upgrades, make run."""
