from coachcli.cli.main import run

run()
