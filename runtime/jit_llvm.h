/* runtime/jit_llvm.h: the LLVM-C functions runtime/jit.c calls, one X()
 * each (a new call there is a new line here).
 *
 * With WSECC_JIT_DLOPEN (CMake, when LLVM is the one shared libLLVM)
 * jit.c opens libLLVM at its first compile instead of linking it: loading
 * it costs about 20 ms at every start of a process (its relocations and
 * static constructors), 15 times what wsesim takes to start without it,
 * and most runs compile nothing. Then every name below is a macro for a
 * pointer filled by dlsym (jit.c includes this after the LLVM headers and
 * includes it again with JIT_LLVM_MACROS defined where the macros begin). */
#ifndef WSEC_JIT_LLVM_H
#define WSEC_JIT_LLVM_H
#define JIT_LLVM_FNS(X) \
  X(LLVMAddAttributeAtIndex) \
  X(LLVMAddFunction) \
  X(LLVMAddIncoming) \
  X(LLVMAppendBasicBlockInContext) \
  X(LLVMBuildAdd) \
  X(LLVMBuildAnd) \
  X(LLVMBuildBitCast) \
  X(LLVMBuildBr) \
  X(LLVMBuildCall2) \
  X(LLVMBuildCondBr) \
  X(LLVMBuildFAdd) \
  X(LLVMBuildFCmp) \
  X(LLVMBuildFDiv) \
  X(LLVMBuildFMul) \
  X(LLVMBuildFPExt) \
  X(LLVMBuildFPTrunc) \
  X(LLVMBuildFSub) \
  X(LLVMBuildICmp) \
  X(LLVMBuildInBoundsGEP2) \
  X(LLVMBuildLShr) \
  X(LLVMBuildLoad2) \
  X(LLVMBuildNSWAdd) \
  X(LLVMBuildNSWMul) \
  X(LLVMBuildNUWAdd) \
  X(LLVMBuildOr) \
  X(LLVMBuildPhi) \
  X(LLVMBuildRetVoid) \
  X(LLVMBuildSelect) \
  X(LLVMBuildShl) \
  X(LLVMBuildStore) \
  X(LLVMBuildTrunc) \
  X(LLVMBuildXor) \
  X(LLVMBuildZExt) \
  X(LLVMConstInt) \
  X(LLVMConstIntToPtr) \
  X(LLVMConstReal) \
  X(LLVMConsumeError) \
  X(LLVMCreateBuilderInContext) \
  X(LLVMCreateEnumAttribute) \
  X(LLVMCreatePassBuilderOptions) \
  X(LLVMCreateStringAttribute) \
  X(LLVMCreateTargetMachine) \
  X(LLVMDisposeBuilder) \
  X(LLVMDisposeErrorMessage) \
  X(LLVMDisposeMessage) \
  X(LLVMDisposeModule) \
  X(LLVMDisposePassBuilderOptions) \
  X(LLVMDisposeTargetMachine) \
  X(LLVMFloatTypeInContext) \
  X(LLVMFunctionType) \
  X(LLVMGetDefaultTargetTriple) \
  X(LLVMGetEnumAttributeKindForName) \
  X(LLVMGetErrorMessage) \
  X(LLVMGetHostCPUFeatures) \
  X(LLVMGetHostCPUName) \
  X(LLVMGetInsertBlock) \
  X(LLVMGetParam) \
  X(LLVMGetTargetFromTriple) \
  X(LLVMHalfTypeInContext) \
  X(LLVMInt16TypeInContext) \
  X(LLVMInt32TypeInContext) \
  X(LLVMInt64TypeInContext) \
  X(LLVMInt8TypeInContext) \
  X(LLVMModuleCreateWithNameInContext) \
  X(LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess) \
  X(LLVMOrcCreateLLJIT) \
  X(LLVMOrcCreateLLJITBuilder) \
  X(LLVMOrcCreateNewThreadSafeContext) \
  X(LLVMOrcCreateNewThreadSafeModule) \
  X(LLVMOrcDisposeLLJIT) \
  X(LLVMOrcDisposeThreadSafeContext) \
  X(LLVMOrcJITDylibAddGenerator) \
  X(LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine) \
  X(LLVMOrcLLJITAddLLVMIRModule) \
  X(LLVMOrcLLJITBuilderSetJITTargetMachineBuilder) \
  X(LLVMOrcLLJITGetDataLayoutStr) \
  X(LLVMOrcLLJITGetGlobalPrefix) \
  X(LLVMOrcLLJITGetMainJITDylib) \
  X(LLVMOrcLLJITGetTripleString) \
  X(LLVMOrcLLJITLookup) \
  X(LLVMOrcThreadSafeContextGetContext) \
  X(LLVMParseCommandLineOptions) \
  X(LLVMPassBuilderOptionsSetLoopInterleaving) \
  X(LLVMPassBuilderOptionsSetLoopUnrolling) \
  X(LLVMPassBuilderOptionsSetLoopVectorization) \
  X(LLVMPassBuilderOptionsSetSLPVectorization) \
  X(LLVMPointerType) \
  X(LLVMPositionBuilderAtEnd) \
  X(LLVMRunPasses) \
  X(LLVMSetAlignment) \
  X(LLVMSetDataLayout) \
  X(LLVMSetTarget) \
  X(LLVMVerifyModule) \
  X(LLVMVoidTypeInContext)
#endif

#if defined(WSECC_JIT_DLOPEN) && defined(JIT_LLVM_MACROS)
#define LLVMAddAttributeAtIndex (jit_llvm.LLVMAddAttributeAtIndex)
#define LLVMAddFunction (jit_llvm.LLVMAddFunction)
#define LLVMAddIncoming (jit_llvm.LLVMAddIncoming)
#define LLVMAppendBasicBlockInContext (jit_llvm.LLVMAppendBasicBlockInContext)
#define LLVMBuildAdd (jit_llvm.LLVMBuildAdd)
#define LLVMBuildAnd (jit_llvm.LLVMBuildAnd)
#define LLVMBuildBitCast (jit_llvm.LLVMBuildBitCast)
#define LLVMBuildBr (jit_llvm.LLVMBuildBr)
#define LLVMBuildCall2 (jit_llvm.LLVMBuildCall2)
#define LLVMBuildCondBr (jit_llvm.LLVMBuildCondBr)
#define LLVMBuildFAdd (jit_llvm.LLVMBuildFAdd)
#define LLVMBuildFCmp (jit_llvm.LLVMBuildFCmp)
#define LLVMBuildFDiv (jit_llvm.LLVMBuildFDiv)
#define LLVMBuildFMul (jit_llvm.LLVMBuildFMul)
#define LLVMBuildFPExt (jit_llvm.LLVMBuildFPExt)
#define LLVMBuildFPTrunc (jit_llvm.LLVMBuildFPTrunc)
#define LLVMBuildFSub (jit_llvm.LLVMBuildFSub)
#define LLVMBuildICmp (jit_llvm.LLVMBuildICmp)
#define LLVMBuildInBoundsGEP2 (jit_llvm.LLVMBuildInBoundsGEP2)
#define LLVMBuildLShr (jit_llvm.LLVMBuildLShr)
#define LLVMBuildLoad2 (jit_llvm.LLVMBuildLoad2)
#define LLVMBuildNSWAdd (jit_llvm.LLVMBuildNSWAdd)
#define LLVMBuildNSWMul (jit_llvm.LLVMBuildNSWMul)
#define LLVMBuildNUWAdd (jit_llvm.LLVMBuildNUWAdd)
#define LLVMBuildOr (jit_llvm.LLVMBuildOr)
#define LLVMBuildPhi (jit_llvm.LLVMBuildPhi)
#define LLVMBuildRetVoid (jit_llvm.LLVMBuildRetVoid)
#define LLVMBuildSelect (jit_llvm.LLVMBuildSelect)
#define LLVMBuildShl (jit_llvm.LLVMBuildShl)
#define LLVMBuildStore (jit_llvm.LLVMBuildStore)
#define LLVMBuildTrunc (jit_llvm.LLVMBuildTrunc)
#define LLVMBuildXor (jit_llvm.LLVMBuildXor)
#define LLVMBuildZExt (jit_llvm.LLVMBuildZExt)
#define LLVMConstInt (jit_llvm.LLVMConstInt)
#define LLVMConstIntToPtr (jit_llvm.LLVMConstIntToPtr)
#define LLVMConstReal (jit_llvm.LLVMConstReal)
#define LLVMConsumeError (jit_llvm.LLVMConsumeError)
#define LLVMCreateBuilderInContext (jit_llvm.LLVMCreateBuilderInContext)
#define LLVMCreateEnumAttribute (jit_llvm.LLVMCreateEnumAttribute)
#define LLVMCreatePassBuilderOptions (jit_llvm.LLVMCreatePassBuilderOptions)
#define LLVMCreateStringAttribute (jit_llvm.LLVMCreateStringAttribute)
#define LLVMCreateTargetMachine (jit_llvm.LLVMCreateTargetMachine)
#define LLVMDisposeBuilder (jit_llvm.LLVMDisposeBuilder)
#define LLVMDisposeErrorMessage (jit_llvm.LLVMDisposeErrorMessage)
#define LLVMDisposeMessage (jit_llvm.LLVMDisposeMessage)
#define LLVMDisposeModule (jit_llvm.LLVMDisposeModule)
#define LLVMDisposePassBuilderOptions (jit_llvm.LLVMDisposePassBuilderOptions)
#define LLVMDisposeTargetMachine (jit_llvm.LLVMDisposeTargetMachine)
#define LLVMFloatTypeInContext (jit_llvm.LLVMFloatTypeInContext)
#define LLVMFunctionType (jit_llvm.LLVMFunctionType)
#define LLVMGetDefaultTargetTriple (jit_llvm.LLVMGetDefaultTargetTriple)
#define LLVMGetEnumAttributeKindForName (jit_llvm.LLVMGetEnumAttributeKindForName)
#define LLVMGetErrorMessage (jit_llvm.LLVMGetErrorMessage)
#define LLVMGetHostCPUFeatures (jit_llvm.LLVMGetHostCPUFeatures)
#define LLVMGetHostCPUName (jit_llvm.LLVMGetHostCPUName)
#define LLVMGetInsertBlock (jit_llvm.LLVMGetInsertBlock)
#define LLVMGetParam (jit_llvm.LLVMGetParam)
#define LLVMGetTargetFromTriple (jit_llvm.LLVMGetTargetFromTriple)
#define LLVMHalfTypeInContext (jit_llvm.LLVMHalfTypeInContext)
#define LLVMInt16TypeInContext (jit_llvm.LLVMInt16TypeInContext)
#define LLVMInt32TypeInContext (jit_llvm.LLVMInt32TypeInContext)
#define LLVMInt64TypeInContext (jit_llvm.LLVMInt64TypeInContext)
#define LLVMInt8TypeInContext (jit_llvm.LLVMInt8TypeInContext)
#define LLVMModuleCreateWithNameInContext (jit_llvm.LLVMModuleCreateWithNameInContext)
#define LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess (jit_llvm.LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess)
#define LLVMOrcCreateLLJIT (jit_llvm.LLVMOrcCreateLLJIT)
#define LLVMOrcCreateLLJITBuilder (jit_llvm.LLVMOrcCreateLLJITBuilder)
#define LLVMOrcCreateNewThreadSafeContext (jit_llvm.LLVMOrcCreateNewThreadSafeContext)
#define LLVMOrcCreateNewThreadSafeModule (jit_llvm.LLVMOrcCreateNewThreadSafeModule)
#define LLVMOrcDisposeLLJIT (jit_llvm.LLVMOrcDisposeLLJIT)
#define LLVMOrcDisposeThreadSafeContext (jit_llvm.LLVMOrcDisposeThreadSafeContext)
#define LLVMOrcJITDylibAddGenerator (jit_llvm.LLVMOrcJITDylibAddGenerator)
#define LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine (jit_llvm.LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine)
#define LLVMOrcLLJITAddLLVMIRModule (jit_llvm.LLVMOrcLLJITAddLLVMIRModule)
#define LLVMOrcLLJITBuilderSetJITTargetMachineBuilder (jit_llvm.LLVMOrcLLJITBuilderSetJITTargetMachineBuilder)
#define LLVMOrcLLJITGetDataLayoutStr (jit_llvm.LLVMOrcLLJITGetDataLayoutStr)
#define LLVMOrcLLJITGetGlobalPrefix (jit_llvm.LLVMOrcLLJITGetGlobalPrefix)
#define LLVMOrcLLJITGetMainJITDylib (jit_llvm.LLVMOrcLLJITGetMainJITDylib)
#define LLVMOrcLLJITGetTripleString (jit_llvm.LLVMOrcLLJITGetTripleString)
#define LLVMOrcLLJITLookup (jit_llvm.LLVMOrcLLJITLookup)
#define LLVMOrcThreadSafeContextGetContext (jit_llvm.LLVMOrcThreadSafeContextGetContext)
#define LLVMParseCommandLineOptions (jit_llvm.LLVMParseCommandLineOptions)
#define LLVMPassBuilderOptionsSetLoopInterleaving (jit_llvm.LLVMPassBuilderOptionsSetLoopInterleaving)
#define LLVMPassBuilderOptionsSetLoopUnrolling (jit_llvm.LLVMPassBuilderOptionsSetLoopUnrolling)
#define LLVMPassBuilderOptionsSetLoopVectorization (jit_llvm.LLVMPassBuilderOptionsSetLoopVectorization)
#define LLVMPassBuilderOptionsSetSLPVectorization (jit_llvm.LLVMPassBuilderOptionsSetSLPVectorization)
#define LLVMPointerType (jit_llvm.LLVMPointerType)
#define LLVMPositionBuilderAtEnd (jit_llvm.LLVMPositionBuilderAtEnd)
#define LLVMRunPasses (jit_llvm.LLVMRunPasses)
#define LLVMSetAlignment (jit_llvm.LLVMSetAlignment)
#define LLVMSetDataLayout (jit_llvm.LLVMSetDataLayout)
#define LLVMSetTarget (jit_llvm.LLVMSetTarget)
#define LLVMVerifyModule (jit_llvm.LLVMVerifyModule)
#define LLVMVoidTypeInContext (jit_llvm.LLVMVoidTypeInContext)
#endif
