print("dfns-bridge")
