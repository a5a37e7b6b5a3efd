from tohyo.cli import main

main()
