import KindlingCLI

KindlingCommand.main()
