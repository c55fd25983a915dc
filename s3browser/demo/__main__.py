"""`python -m s3browser.demo [--seed]`: run the local S3 server in the foreground."""

from s3browser.demo.server import main

main()
